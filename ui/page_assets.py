"""What the chat's page carries besides its components: its style sheet (CSS) and its
script (page_js), each part with why it is there. ui/app.py builds the page with them."""

import json

CSS = """
.qa-reply mark { background: #ffe066; color: #1f2937; padding: 0 2px; border-radius: 2px; }
.qa-reply .qa-answer { font-size: 1.1em; margin-bottom: 0.2em; }
.qa-reply .qa-origin { margin-top: 0; }
.qa-reply .qa-read-as { margin: 0 0 0.2em 0; }
.qa-reply details summary { cursor: pointer; font-weight: 600; }
.qa-reply blockquote { margin: 0.3em 0 0.8em 0; padding-left: 0.8em; border-left: 3px solid #ccc; }
.qa-articles small { opacity: 0.7; }
.qa-status .qa-bad { color: #c0392b; }
ul.qa-articles { max-height: 22em; overflow-y: auto; margin-top: 0.3em; }
#qa-remove { align-self: flex-end; }
"""
# The article list scrolls: with overlay scrollbars nothing showed that it held more, and
# its last item was cut mid-line. A thin scrollbar that is always there, and a shadow at
# an edge with more beyond it (the covers scroll with the list, the shadows do not).
CSS += """
ul.qa-articles {
  padding-right: 0.4em;
  background-image:
    linear-gradient(var(--block-background-fill) 30%, transparent),
    linear-gradient(transparent, var(--block-background-fill) 70%),
    radial-gradient(farthest-side at 50% 0, rgba(0,0,0,.22), transparent),
    radial-gradient(farthest-side at 50% 100%, rgba(0,0,0,.22), transparent);
  background-position: top, bottom, top, bottom;
  background-size: 100% 2.5em, 100% 2.5em, 100% 0.9em, 100% 0.9em;
  background-repeat: no-repeat;
  background-attachment: local, local, scroll, scroll;
}
ul.qa-articles::-webkit-scrollbar { width: 8px; }
ul.qa-articles::-webkit-scrollbar-track { background: rgba(128,128,128,.12); border-radius: 4px; }
ul.qa-articles::-webkit-scrollbar-thumb { background: rgba(128,128,128,.55); border-radius: 4px; }
@supports (-moz-appearance: none) {  /* Firefox, which has no ::-webkit-scrollbar */
  ul.qa-articles { scrollbar-width: thin; scrollbar-color: rgba(128,128,128,.55) transparent; }
}
"""
# A long word (a title of one, a long file name) wraps in the side column, as the chat
# wraps it: it was cut at the column's edge.
CSS += """
.qa-status, ul.qa-articles { overflow-wrap: anywhere; }
"""
# An upload's status line has its own mark (✓ or ✗): no list bullet before it as well.
CSS += """
#qa-upload-status ul.qa-status, #qa-upload-status ul.qa-status li {
  list-style: none; padding-left: 0; margin-left: 0;
}
"""
# The empty chat's text, centred and off the edges (on a phone it touched the left one).
CSS += """
#qa-chat .placeholder-content { padding: 0 1.2em; text-align: center; }
"""
# The question box shows where the keyboard is: Gradio's theme draws it the same focused
# or not (and takes any outline off, !important), while buttons get a ring. The ring's
# colour stands out 3:1 and more from what is around it (6.3:1 on white; dark: 7:1).
CSS += """
#qa-question textarea:focus { outline: 2px solid #4f46e5 !important; outline-offset: 1px; }
.dark #qa-question textarea:focus { outline-color: #a5b4fc !important; }
"""
# The same ring on the controls whose focus did not show: Ask (the theme's ring is white,
# on a white page), the Settings sliders (none at all) and their number boxes (a faint
# border only).
CSS += """
:is(#qa-ask, #qa-top-k input, #qa-threshold input):focus-visible {
  outline: 2px solid #4f46e5 !important; outline-offset: 2px;
}
.dark :is(#qa-ask, #qa-top-k input, #qa-threshold input):focus-visible {
  outline-color: #a5b4fc !important;
}
"""
# Small text reads 4.5:1 and more against its background (WCAG AA): the theme's label
# chips ("Upload articles", the sliders' and the removal list's) were indigo on lavender
# at 3.6:1, now a darker indigo at 5.1:1; the question box's placeholder was grey at 2.5:1
# on white (2.1:1 in the dark theme), now 4.8:1 (dark: 5:1).
CSS += """
body:not(.dark) .gradio-container {
  --block-title-text-color: #4f46e5; --block-label-text-color: #4f46e5;
  --input-placeholder-color: #6b7280;
}
.dark .gradio-container { --input-placeholder-color: #aeb4bf; }
"""
# The same for the Settings sliders' minimum and maximum (beside the slider) and the
# upload box's "- or -": the theme's subdued grey read at 2.5:1 on white, now the
# placeholder's grey at 4.8:1 (the dark theme's read 4.5:1 and more already).
CSS += """
body:not(.dark) .gradio-container :is(.min_value, .max_value, #qa-upload .or) {
  color: #6b7280;
}
"""

# A reply's small print (confidence, file, scores, "read as") and the origin line were
# faded with opacity, on top of the 0.8 Gradio gives a message's text: 2.6:1 to 3.6:1 on
# the light theme, 4.2:1 on the dark one. A grey of their own reads 5.5:1 (dark: 5.9:1).
# The highlighted answer kept the text's colour, light on yellow in the dark theme (1.1:1):
# dark text on it in both themes now (6.2:1; dark: 7.8:1). The upload status line's red
# "✗" line read 2.7:1 in the dark theme, a lighter red 5.3:1.
CSS += """
body:not(.dark) .gradio-container { --qa-muted-text: #374151; }
.dark .gradio-container { --qa-muted-text: #aeb4bf; }
.qa-reply :is(small, .qa-origin, .qa-read-as) { color: var(--qa-muted-text); }
.dark .qa-status .qa-bad { color: #f87171; }
"""
# The footer's "Use via API" read 2.4:1 on the light theme (Gradio's subdued grey), now the
# placeholder's grey at 4.6:1.
CSS += """
body:not(.dark) footer { --body-text-color-subdued: #6b7280; }
"""
# The highlighted answer in a source is told by more than its colour: underlined (seen in
# grey scale, or by one who does not tell yellow from white), and a screen reader reads
# "answer:" before it and "end of answer" after it (text clipped out of sight).
CSS += """
.qa-reply mark { text-decoration: underline; text-underline-offset: 0.2em; }
.qa-reply mark::before, .qa-reply mark::after {
  position: absolute; width: 1px; height: 1px; overflow: hidden; white-space: nowrap;
  clip-path: inset(50%);
}
.qa-reply mark::before { content: " answer: "; }
.qa-reply mark::after { content: " end of answer "; }
"""

# Gradio labels each chat message with its content as it is: "bot's message: <div
# class=…>", markup a screen reader reads aloud. This labels it with its text instead, a
# folded <details> by its summary ("Sources (5)"), as the page shows it. The content is
# parsed in an inert document (DOMParser): nothing in it runs or loads.
LABELS_JS = r"""
() => {
  const MARK = "'s message: ";
  const labelled = new WeakMap();
  const text = (html) => {
    const body = new DOMParser().parseFromString(html, "text/html").body;
    body.querySelectorAll("details").forEach((d) =>
      d.replaceWith(d.querySelector("summary")?.textContent ?? ""));
    body.querySelectorAll("br, p, div, li, blockquote").forEach((e) => e.after(" "));
    return body.textContent.replace(/\s+/g, " ").trim();
  };
  const relabel = (el) => {
    const label = el.getAttribute("aria-label") ?? "";
    const at = label.indexOf(MARK);
    if (at < 0 || labelled.get(el) === label) return;
    const plain = label.slice(0, at + MARK.length) + text(label.slice(at + MARK.length));
    labelled.set(el, plain);
    el.setAttribute("aria-label", plain);
  };
  const relabelAll = () => document.querySelectorAll("#qa-chat [aria-label]").forEach(relabel);
  new MutationObserver(relabelAll).observe(document.body,
    {subtree: true, childList: true, attributes: true, attributeFilter: ["aria-label"]});
  relabelAll();
}
"""

# A number typed into a Settings slider's box shows, once the box is left, as the chat
# reads it (ChatService.slider_settings; a question's answer sets the sliders to the
# values it was read with, too): blank is the default, 2.5 passages are 3 (half up), a
# value out of range is brought into it. Gradio's page brings a value into range as the
# box is left, a blank one to the minimum, and shows 2.5 as typed: this runs first (a
# capture listener, before the box's own) and sets the box as the chat reads it; a blank
# one to the default (``defaults``, by the sliders' ids).
# The slider's reset button sets the default too: Gradio's sets the value the slider had
# when it was first shown, which is the one the browser kept (ui.history.saved_settings)
# where the page was reloaded before Settings were opened.
# The box's keystrokes reach Gradio only then, as one value: Gradio's binding writes the
# box back a frame after each keystroke, and with keys a few ms apart (a fast typist, a
# busy page) it wrote "2" over "2." and the next key made "52" of "2.5" (shown as 10).
SETTINGS_JS = r"""
(defaults) => {
  const setting = (box) => box instanceof HTMLInputElement && box.type === "number"
    && box.closest("#qa-top-k, #qa-threshold");
  const typed = (box) => box.dispatchEvent(new Event("input", {bubbles: true}));
  const toDefault = (slider, box) => {
    if (!(slider.id in defaults)) {  // not known: Gradio's reset, as before
      typed(box);
      slider.querySelector("button.reset-button")?.click();
      return;
    }
    box.value = String(defaults[slider.id]);
    typed(box);
  };
  // A decimal comma ("0,5") is typed as a point: Chromium's number box drops the comma
  // ("05", which the threshold read as 1).
  document.addEventListener("keydown", (event) => {
    if (event.key !== "," || !setting(event.target)) return;
    event.preventDefault();
    document.execCommand("insertText", false, ".");
  }, true);
  document.addEventListener("input", (event) => {
    const box = event.target;
    const slider = event.isTrusted && setting(box);
    if (!slider) return;
    event.stopImmediatePropagation();
    // the slider beside it follows meanwhile, as it did (shown only: Gradio learns the
    // value once the box is left)
    const range = slider.querySelector("input[type=range]");
    const [low, high] = [Number(box.min), Number(box.max)];
    if (!range || box.value === "" || !(high > low)) return;
    const value = Math.min(Math.max(Number(box.value), low), high);
    range.value = String(value);
    range.style.setProperty("--range_progress", `${(value - low) / (high - low) * 100}%`);
  }, true);
  document.addEventListener("blur", (event) => {
    const box = event.target;
    const slider = setting(box);
    if (!slider) return;
    if (box.value === "") {
      toDefault(slider, box);
      return;
    }
    let value = Number(box.value);
    if (slider.id === "qa-top-k") value = Math.floor(value + 0.5);
    value = Math.min(Math.max(value, Number(box.min)), Number(box.max));
    box.value = String(value);
    typed(box);
  }, true);
  document.addEventListener("click", (event) => {
    const button = event.isTrusted && event.target instanceof Element
      && event.target.closest("#qa-top-k button.reset-button, #qa-threshold button.reset-button");
    const slider = button && button.closest("#qa-top-k, #qa-threshold");
    const box = slider && slider.querySelector("input[type=number]");
    if (!box || !(slider.id in defaults)) return;
    event.stopImmediatePropagation();
    toDefault(slider, box);
  }, true);
}
"""

# Ask clicked with the mouse kept the focus on the button, and an example question
# clicked kept it on the example: the next question needed a click in the box first. The
# box gets it back (Enter keeps it there already).
# The removal list, which opens as it gets the focus, stayed open once Tab took the focus
# on, over "Indexed articles": Gradio's dropdown answers a key a frame late, after the
# focus has left it, and opens again for any key but the arrows, Enter and Escape. Tab,
# and Shift (Shift+Tab) or another modifier alone, never reach it: the browser moves the
# focus as before, and the list closes on blur.
FOCUS_JS = r"""
() => {
  document.addEventListener("click", (event) => {
    if (event.target instanceof Element
        && event.target.closest("#qa-ask, #qa-examples button.gallery-item"))
      document.querySelector("#qa-question textarea")?.focus({preventScroll: true});
  });
  document.addEventListener("keydown", (event) => {
    if (["Tab", "Shift", "Control", "Alt", "Meta"].includes(event.key)
        && event.target instanceof Element && event.target.matches("#qa-remove-choice input"))
      event.stopPropagation();
  }, true);
}
"""

# What a screen reader is not told by Gradio's page: whether an accordion (Settings, Add
# articles, Indexed articles) is open (its button has no aria-expanded, and its "▼" was
# read as part of its name), and the upload status line, which changes out of sight of
# the focus (it is made a polite live region, role=status). An upload took the focus
# with it: Gradio replaces the upload box as the files are sent and again once they are
# in, and the focus fell to the page's start; it goes back to the upload box each time
# (unless the user has moved it on, or clicked elsewhere).
ARIA_JS = r"""
() => {
  const UPLOAD = "#qa-upload button.upload-container";
  const inUpload = (target) => target instanceof Element && !!target.closest("#qa-upload");
  let upload = false;  // the focus is in the upload box (or was, when the box was replaced)
  const mark = () => {
    document.querySelectorAll("button.label-wrap").forEach((button) => {
      const open = String(button.classList.contains("open"));
      if (button.getAttribute("aria-expanded") !== open) button.setAttribute("aria-expanded", open);
      const icon = button.querySelector(".icon");
      if (icon && !icon.hasAttribute("aria-hidden")) icon.setAttribute("aria-hidden", "true");
    });
    const status = document.querySelector("#qa-upload-status");
    if (status && status.getAttribute("role") !== "status") status.setAttribute("role", "status");
    const lost = !document.activeElement || document.activeElement === document.body;
    const box = upload && lost && document.querySelector(UPLOAD);
    if (box) box.focus();
  };
  document.addEventListener("focusin", (event) => { upload = inUpload(event.target); });
  // a click elsewhere (on the page's background too, which leaves the focus on the body)
  document.addEventListener("mousedown", (event) => {
    if (!inUpload(event.target)) upload = false;
  }, true);
  new MutationObserver(mark).observe(document.body,
    {subtree: true, childList: true, attributes: true, attributeFilter: ["class"]});
  mark();
}
"""

# A question sent (Enter, Ask, an example) shows, and so does its answer: Gradio's chat
# follows new messages only while it is scrolled to (near) its end, and a user who had
# scrolled up to reread saw neither, only Gradio's small "↓" button over a message. The
# chat is scrolled to its end as the question is sent, and kept there as the question and
# then its answer come in (and a second more, as they are laid out), and the page is
# scrolled up to the reply if it came in above the screen (a phone); Gradio's own
# scrolling, to the end of a reply, is left as it is. Scrolling the chat meanwhile (wheel,
# touch, keys, a click in it such as on "Sources") leaves it where the user takes it.
FOLLOW_JS = r"""
() => {
  const LOG = "#qa-chat [role=log]";
  const replies = () => document.querySelectorAll("#qa-chat .message.bot").length;
  const toEnd = () => {
    const log = document.querySelector(LOG);
    if (log) log.scrollTop = log.scrollHeight;
  };
  let following = null;  // {replies: the count when sent, done: the timer once answered}
  const stop = () => {
    if (following?.done) clearTimeout(following.done);
    following = null;
  };
  const follow = () => {
    stop();
    following = {replies: replies(), done: 0};
    toEnd();
  };
  const asked = () => document.querySelector("#qa-question textarea")?.value.trim();
  document.addEventListener("keydown", (event) => {
    const target = event.target;
    if (!(target instanceof Element)) return;
    if (event.key === "Enter" && !event.shiftKey && !event.isComposing
        && target.matches("#qa-question textarea")) {
      if (asked()) follow();
    } else if (following && target.closest(LOG)) stop();
  }, true);
  document.addEventListener("click", (event) => {
    const target = event.target instanceof Element ? event.target : null;
    if (target?.closest("#qa-examples button.gallery-item")
        || (target?.closest("#qa-ask") && asked())) follow();
  }, true);
  for (const type of ["wheel", "touchstart", "mousedown"])
    document.addEventListener(type, (event) => {
      if (following && event.target instanceof Element && event.target.closest(LOG)) stop();
    }, {capture: true, passive: true});
  // the page too, where the reply came in above the screen (a phone: an example asked
  // from below the question box showed only the reply's last line)
  const reveal = () => {
    const bots = document.querySelectorAll("#qa-chat .message.bot");
    const top = bots.length ? bots[bots.length - 1].getBoundingClientRect().top : 0;
    if (top < 0) window.scrollBy({top: top - 8});
  };
  new MutationObserver(() => {
    if (!following) return;
    toEnd();
    if (!following.done && replies() > following.replies)
      following.done = setTimeout(() => { toEnd(); reveal(); following = null; }, 1000);
  }).observe(document.body, {subtree: true, childList: true, characterData: true});
}
"""

# A question typed into the box and not yet sent survives a reload (the user's, or the one
# Gradio makes after the chat was started again): the browser keeps it under a key of the
# index (ui.history.draft_key) as it is typed, and as the box changes otherwise (Gradio
# empties it once a question is sent, Clear does, an example fills it), looked at each
# second (a box typed in before this script ran, too) and as the page is left; a page
# writes only what changed in it, so a tab left open does not wipe what another keeps. A
# reloaded page puts it back in the box with an input event, as typing does: Gradio sends
# it then, not an empty box.
DRAFT_JS = r"""
(key) => {
  const BOX = "#qa-question textarea";
  let kept = null;  // what this page last kept (or found kept); null until it is put back
  const keep = (text) => {
    if (kept === null || text === kept) return;
    kept = text;
    try {
      if (text) localStorage.setItem(key, text); else localStorage.removeItem(key);
    } catch (error) {}  // storage full or off: the draft is just not kept
  };
  document.addEventListener("input", (event) => {
    if (event.target instanceof HTMLTextAreaElement && event.target.matches(BOX))
      keep(event.target.value);
  }, true);
  const look = () => {
    const box = document.querySelector(BOX);
    if (box) keep(box.value);
  };
  setInterval(look, 1000);
  window.addEventListener("pagehide", look);
  let draft = "";
  try { draft = localStorage.getItem(key) ?? ""; } catch (error) {}
  const restore = () => {
    const box = document.querySelector(BOX);
    if (!box) { requestAnimationFrame(restore); return; }
    kept = draft;
    if (!draft || box.value) return;  // nothing kept, or typed in already
    box.value = draft;
    box.dispatchEvent(new Event("input", {bubbles: true}));
  };
  restore();
}
"""


def page_js(draft_key: str, defaults: dict[str, float] | None = None) -> str:
    """The page's own script (Gradio takes one function): LABELS_JS, SETTINGS_JS with the
    Settings sliders' ``defaults`` (by their ids: ui.settings.slider_defaults), FOCUS_JS,
    ARIA_JS, FOLLOW_JS, then DRAFT_JS keeping the question box's draft under ``draft_key``
    (ui.history.draft_key)."""
    return (f"() => {{ ({LABELS_JS.strip()})(); "
            f"({SETTINGS_JS.strip()})({json.dumps(defaults or {})}); "
            f"({FOCUS_JS.strip()})(); ({ARIA_JS.strip()})(); ({FOLLOW_JS.strip()})(); "
            f"({DRAFT_JS.strip()})({json.dumps(draft_key)}); }}")
