"""No-answer example mining: swapped questions (SQuAD 2.0-style near misses), swaps within
the paragraph, answer removed, blurred answers, and the paragraphs a retriever would hand the
reader instead."""

from __future__ import annotations

import json

import pytest

from qa.errors import DataError
from qa.metrics import normalize_answer
from qa.squad import (
    Article,
    QAExample,
    blurrable_kind,
    load_squad,
    mine_answer_removed,
    mine_blurred_answers,
    mine_context_swaps,
    mine_retrieved_negatives,
    mine_swapped_questions,
    question_anchors,
)


@pytest.mark.parametrize(
    ("question", "anchors"),
    [
        ("When did Beyoncé release Lemonade?", ["Beyoncé", "Lemonade"]),
        ("Who led the Duke of Wellington's army in 1815?", ["Duke of Wellington", "1815"]),
        ("What is the capital?", []),  # the sentence-initial "What" is not a name
        ("Where did the Red Cross work in 1999?", ["Red Cross", "1999"]),
        ("How many people lived in The Hague?", ["Hague"]),
        ("Warsaw lies on which river?", []),  # a lone first word cannot be told from "What"
    ],
)
def test_question_anchors(question: str, anchors: list[str]) -> None:
    assert question_anchors(question) == anchors


def _article(title: str, rows: list[tuple[str, str, str]]) -> Article:
    examples = tuple(
        QAExample(f"{title}-{i}", title, q, c, (a,), c.index(a)) for i, (q, c, a) in enumerate(rows)
    )
    return Article(title, tuple(dict.fromkeys(c for _, c, _ in rows)), examples)


ARTICLES = [
    _article("Beyonce", [
        ("When did Beyoncé release Lemonade?",
         "Beyoncé released Lemonade in 2016, after Formation.", "2016"),
        ("What did Beyoncé release in 2016?",
         "Beyoncé released Lemonade in 2016, after Formation.", "Lemonade"),
    ]),
    _article("Chopin", [
        ("Where was Frédéric Chopin born in 1810?",
         "Frédéric Chopin was born in Żelazowa Wola in 1810.", "Żelazowa Wola"),
        ("Which city did Chopin leave in 1830?", "Chopin left Warsaw in 1830 for Vienna.",
         "Warsaw"),
    ]),
    _article("Warsaw", [
        ("What river runs through Warsaw?", "Warsaw lies on the Vistula River.", "Vistula River"),
        ("Which Polish city hosts the Sejm?", "The Sejm meets in Warsaw.", "Warsaw"),
    ]),
]


def test_swapped_questions_keep_the_paragraph_and_lose_the_answer() -> None:
    originals = {ex.id: ex for art in ARTICLES for ex in art.examples}
    swapped = mine_swapped_questions(ARTICLES, 1.0, seed=0)
    assert len(swapped) >= 4
    for ex in swapped:
        orig = originals[ex.id.removesuffix("-swap")]
        assert ex.answer_start is None and ex.context == orig.context
        assert ex.question != orig.question
        # Exactly one anchor the paragraph holds was replaced by a string it lacks.
        old_words, new_words = orig.question.split(), ex.question.split()
        prefix = next(i for i, (a, b) in enumerate(zip(old_words, new_words)) if a != b)
        suffix = next(i for i, (a, b) in enumerate(zip(old_words[::-1], new_words[::-1]))
                      if a != b)
        removed = " ".join(old_words[prefix:len(old_words) - suffix]).rstrip("?.,'s")
        added = " ".join(new_words[prefix:len(new_words) - suffix]).rstrip("?.,'s")
        assert removed and removed.split()[0] in orig.context
        assert added.lower() not in orig.context.lower()
        # The answer itself is never what was swapped out.
        assert not any(removed.lower() in g.lower() for g in orig.answers)


def test_years_become_nearby_years_and_names_come_from_other_articles() -> None:
    originals = {ex.id: ex for art in ARTICLES for ex in art.examples}
    pools = {art.title: {a for ex in art.examples for a in question_anchors(ex.question)}
             for art in ARTICLES}
    swapped = [ex for seed in range(5) for ex in mine_swapped_questions(ARTICLES, 1.0, seed)]
    kinds = set()
    for ex in swapped:
        orig = originals[ex.id.removesuffix("-swap")]
        new = set(question_anchors(ex.question)) - set(question_anchors(orig.question))
        old = set(question_anchors(orig.question)) - set(question_anchors(ex.question))
        assert len(new) == len(old) == 1
        (new_anchor,), (old_anchor,) = new, old
        if old_anchor.isdigit():
            kinds.add("year")
            assert 2 <= abs(int(new_anchor) - int(old_anchor)) <= 60
        else:
            kinds.add("name")
            others = set().union(*(p for t, p in pools.items() if t != ex.title))
            assert new_anchor in others
    assert kinds == {"year", "name"}


def test_ratio_and_seed_control_the_share() -> None:
    assert mine_swapped_questions(ARTICLES, 0.0, seed=0) == []
    again = mine_swapped_questions(ARTICLES, 1.0, seed=0)
    assert again == mine_swapped_questions(ARTICLES, 1.0, seed=0)


def test_answer_removed_drops_only_the_answer_sentence() -> None:
    context = ("Warsaw is the capital of Poland. Its main library is the University Library, "
               "opened in 1816. The library is next to the Vistula, the longest river in Poland.")
    art = _article("Warsaw", [
        ("What is the name of Warsaw's main library?", context, "University Library"),
        ("What country is Warsaw the capital of?", context, "Poland"),  # also in sentence 3
        ("When did the library open?", context, "1816"),
    ])
    removed = {ex.id: ex for ex in mine_answer_removed([art], 1.0, seed=0)}
    first = removed["Warsaw-0-removed"]
    assert first.answer_start is None and first.question == art.examples[0].question
    assert first.context == ("Warsaw is the capital of Poland. The library is next to the "
                             "Vistula, the longest river in Poland.")
    assert removed["Warsaw-2-removed"].context == first.context
    # "Poland" is still in the last sentence: no example, it would teach a wrong abstention
    assert "Warsaw-1-removed" not in removed


def test_answer_removed_needs_another_sentence_and_respects_the_ratio() -> None:
    one = _article("One", [("Who?", "Only Ada wrote it.", "Ada")])
    assert mine_answer_removed([one], 1.0, seed=0) == []
    assert mine_answer_removed(ARTICLES, 0.0, seed=0) == []
    many = [_article(f"A{i}", [("Who wrote it?", f"It was long. Person{i} wrote it.",
                                f"Person{i}")]) for i in range(400)]
    made = mine_answer_removed(many, 0.25, seed=1)
    assert 60 < len(made) < 140
    assert made == mine_answer_removed(many, 0.25, seed=1)
    for ex in made:
        assert ex.context == "It was long."
        assert not any(normalize_answer(g) in normalize_answer(ex.context) for g in ex.answers)


def test_retrieved_negative_is_the_best_bm25_paragraph_without_an_answer_word() -> None:
    question = "Who wrote the novel Mockingbird about a lawyer?"
    own = "Harper Lee wrote the novel Mockingbird in 1960."
    paragraphs = [
        own,
        "Lee's novel Mockingbird, about a lawyer, was praised.",  # 'Lee' answers it too
        "The novel Mockingbird, about a lawyer, was adapted as a film.",
        "The lawyer in the story is Atticus.",
        "Warsaw lies on the Vistula River.",
    ]
    ex = QAExample("m-0", "Mockingbird", question, own, ("Harper Lee",), 0)
    art = Article("Mockingbird", tuple(paragraphs), (ex,))
    other = ARTICLES[2]
    made = mine_retrieved_negatives([art, other], 1.0, seed=0)
    mine = [m for m in made if m.id == "m-0-ret"]
    assert len(mine) == 1 and mine[0].answer_start is None
    assert mine[0].question == question and mine[0].answers == ("Harper Lee",)
    # Brute force: of the paragraphs sharing no word with the answer, the one sharing the
    # most of the question's content words (BM25's order on these short texts).
    content = {"wrote", "novel", "mockingbird", "lawyer"}
    eligible = [p for p in paragraphs[1:] if not {"harper", "lee"} & set(
        normalize_answer(p.replace("'", " ")).split())]
    best = max(eligible, key=lambda p: len(content & set(normalize_answer(p).split())))
    assert mine[0].context == best == paragraphs[2]


def test_retrieved_negatives_follow_ratio_and_seed_and_never_hold_the_answer() -> None:
    assert mine_retrieved_negatives(ARTICLES, 0.0, seed=0) == []
    made = mine_retrieved_negatives(ARTICLES, 1.0, seed=3)
    assert made == mine_retrieved_negatives(ARTICLES, 1.0, seed=3)
    assert made, "every question here shares words with another paragraph"
    originals = {ex.id: ex for art in ARTICLES for ex in art.examples}
    for ex in made:
        src = originals[ex.id.removesuffix("-ret")]
        assert ex.context != src.context and ex.answer_start is None
        gold_words = set(normalize_answer(src.answers[0]).split())
        assert not gold_words & set(normalize_answer(ex.context.replace("'", " ")).split())
    # one article of a single paragraph has nothing to offer
    assert len(ARTICLES[0].paragraphs) == 1
    assert mine_retrieved_negatives([ARTICLES[0]], 1.0, seed=0) == []


BOUND = _article("Recruits", [
    ("How much are Syrian recruits paid?",
     "Moscow recruited Syrian fighters. Syrian recruits are paid 200 dollars a month. "
     "Experts say Chechen units are paid more.", "200 dollars"),
    ("Who led the army in 1815?",
     "The army fought at Ligny in 1812. Wellington led the army in 1815.", "Wellington"),
    ("When did Beyoncé release Lemonade?",  # no other name or year in its paragraph
     "Beyoncé released Lemonade in 2016.", "2016"),
])


def test_context_swaps_take_a_name_or_number_from_elsewhere_in_the_paragraph() -> None:
    swaps = {ex.id: ex for ex in mine_context_swaps([BOUND], 1.0, seed=0)}
    assert set(swaps) == {"Recruits-0-cswap", "Recruits-1-cswap"}
    assert swaps["Recruits-0-cswap"].question == "How much are Chechen recruits paid?"
    assert swaps["Recruits-1-cswap"].question == "Who led the army in 1812?"
    originals = {ex.id: ex for ex in BOUND.examples}
    for key, ex in swaps.items():
        orig = originals[key.removesuffix("-cswap")]
        assert ex.answer_start is None and ex.context == orig.context
        assert ex.answers == orig.answers and ex.title == orig.title


def test_context_swaps_never_take_from_the_answer_sentence_or_the_answer() -> None:
    # "Syrian" is in the question and "Wellington" is the answer: neither may come in.
    for seed in range(10):
        for ex in mine_context_swaps([BOUND, *ARTICLES], 1.0, seed):
            assert "Wellington" not in ex.question
            new = set(question_anchors(ex.question))
            orig = next(o for art in [BOUND, *ARTICLES] for o in art.examples
                        if o.id == ex.id.removesuffix("-cswap"))
            (added,) = new - set(question_anchors(orig.question))
            answer_sentence = next(s for s in orig.context.split(". ") if orig.answers[0] in s)
            assert added in orig.context and added not in answer_sentence


def test_context_swaps_follow_ratio_and_seed() -> None:
    assert mine_context_swaps([BOUND], 0.0, seed=0) == []
    assert mine_context_swaps([BOUND], 1.0, seed=3) == mine_context_swaps([BOUND], 1.0, seed=3)
    many = [BOUND] * 40
    share = len(mine_context_swaps(many, 0.5, seed=1)) / len(mine_context_swaps(many, 1.0, 1))
    assert 0.3 < share < 0.7


@pytest.mark.parametrize(("question", "answer", "kind"), [
    ("How many recruits signed up?", "300", "count"),
    ("How many recruits signed up?", "hundreds", "count"),
    ("How much are they paid?", "US $200", "amount"),
    ("When was Strasbourg annexed?", "1683", "when"),
    ("In what year did it open?", "1816", "when"),
    ("How many recruits signed up?", "a few", None),  # no number to blur
    ("What year did it open?", "1816", "when"),
    ("Who wrote the novel?", "Harper Lee", "who"),
    ("Who wrote the novel?", "a local teacher", None),  # not a name: nothing to blur
    ("Where was Chopin born?", "Żelazowa Wola", "where"),
    ("What is the name of the largest aquarium?", "Lisbon Oceanarium", "name"),
    ("What river runs through Warsaw?", "Vistula River", None),
])
def test_blurrable_kind(question: str, answer: str, kind: str | None) -> None:
    assert blurrable_kind(question, answer) == kind


def test_blurred_answers_replace_the_answer_by_a_vague_phrase_of_its_kind() -> None:
    art = _article("Hayek", [
        ("Who did Hayek assist in 1923?",
         "In 1923 Hayek assisted Prof. Jeremiah Jenks of New York University.",
         "Jeremiah Jenks"),
        ("When did Hayek assist Jenks?",
         "Hayek assisted Jenks in 1923, compiling data.", "1923"),
        ("How many papers did he write?", "He wrote 12 papers that year.", "12"),
        ("What is the name of the largest aquarium?",
         "Portugal has the largest aquarium, the Lisbon Oceanarium, in Lisbon.",
         "Lisbon Oceanarium"),  # "Lisbon" stays in the paragraph, but not the answer
    ])
    blurred = {ex.id: ex for ex in mine_blurred_answers([art], 1.0, seed=0)}
    assert set(blurred) == {f"Hayek-{i}-blur" for i in range(4)}
    who, when, many, name = (blurred[f"Hayek-{i}-blur"] for i in range(4))
    assert who.context.startswith("In 1923 Hayek assisted Prof. ")
    assert who.context.removeprefix("In 1923 Hayek assisted Prof. ").removesuffix(
        " of New York University.") in ("someone", "a man", "a person", "an official")
    # the preposition goes with the date: "in 1923" → "at one point", not "in at one point"
    assert when.context.split(", ")[0] in {f"Hayek assisted Jenks {v}" for v in
                                           ("at one point", "at some time", "later", "earlier")}
    assert many.context in {f"He wrote {v} papers that year." for v in
                            ("several", "a number of", "many", "some")}
    # "the Lisbon Oceanarium" → "an unnamed person" would read "the an unnamed person"
    assert "the the" not in name.context and "the a" not in name.context
    for ex in blurred.values():
        assert ex.answer_start is None
        assert not any(normalize_answer(g) in normalize_answer(ex.context) for g in ex.answers)
        assert ex.question == next(o.question for o in art.examples
                                   if o.id == ex.id.removesuffix("-blur"))


def test_blurred_answers_skip_a_paragraph_that_still_holds_the_answer() -> None:
    art = _article("Twice", [("Who led it?", "Wellington led it; Wellington won.",
                              "Wellington")])
    assert mine_blurred_answers([art], 1.0, seed=0) == []


def test_blurred_answers_follow_ratio_and_seed() -> None:
    many = [_article(f"A{i}", [("Who wrote it?", f"It was long. Person{i} wrote it.",
                                f"Person{i}")]) for i in range(400)]
    assert mine_blurred_answers(many, 0.0, seed=0) == []
    made = mine_blurred_answers(many, 0.25, seed=1)
    assert 60 < len(made) < 140
    assert made == mine_blurred_answers(many, 0.25, seed=1)


def _file(*paragraphs: dict, title: str = "x") -> dict:
    return {"data": [{"title": title, "paragraphs": list(paragraphs)}]}


_QA = {"id": "s1", "question": "Who came?", "answers": [{"text": "Syrians", "answer_start": 0}]}
_PARA = {"context": "Syrians came.", "qas": [_QA]}


@pytest.mark.parametrize("body, message", [
    ({"data": [{"title": "x"}]}, ": article 0 ('x'): missing 'paragraphs' (a list of paragraphs)"),
    (_file({"context": "abc"}), ": article 0 ('x'), paragraph 0: missing 'qas'"),
    (_file({"context": "abc", "qas": [{"question": "Q?", "answers": [{"text": "a"}]}]}),
     ": article 0 ('x'), paragraph 0, question 0 (id '0-0-0'), answer 0: missing "
     "'answer_start'"),
    (_file(_PARA, {"context": "abc", "qas": [{**_QA, "answers": "Syrians"}]}),
     ": article 0 ('x'), paragraph 1, question 0 (id 's1'): 'answers' must be a list of "
     "{'text', 'answer_start'} objects (empty: not answerable), got a string"),
    (_file({"context": "abc", "qas": [{**_QA, "answers": ["Syrians"]}]}),
     ": article 0 ('x'), paragraph 0, question 0 (id 's1'), answer 0 must be a JSON object, "
     "got a string"),
    (_file({"context": "abc", "qas": [_PARA["qas"][0], {"id": "s2", "answers": []}]}),
     ": article 0 ('x'), paragraph 0, question 1 (id 's2'): missing 'question'"),
    (_file({"context": "abc", "qas": [{**_QA, "answers": [{"text": "a", "answer_start": -3}]}]}),
     ": article 0 ('x'), paragraph 0, question 0 (id 's1'), answer 0: 'answer_start' must be "
     "a character offset, 0 or more, got -3"),
    (_file({"context": "abc", "qas": [{**_QA, "answers": [{"text": "a", "answer_start": "²"}]}]}),
     ": article 0 ('x'), paragraph 0, question 0 (id 's1'), answer 0: 'answer_start' must be "
     "a character offset, 0 or more, got '²'"),  # a digit to str.isdigit, not to int()
    (_file({"context": 7, "qas": []}), ": article 0 ('x'), paragraph 0: 'context' must be the "
                                       "paragraph's text, got a number (7)"),
    ({"data": [_file(_PARA)["data"][0], "x"]}, ": article 1 must be a JSON object, got a string"),
    ({"data": {"title": "x"}}, ": 'data' must be a list of articles, got an object"),
    ([{"title": "x"}], " is not a SQuAD-format file: it holds a list."),
    ({"version": "1.1"}, " is not a SQuAD-format file: it holds an object without 'data'."),
    ({"data": []}, " holds no questions (0 article(s))"),
    (_file({"context": "abc", "qas": []}), " holds no questions (1 article(s))"),
])
def test_a_malformed_squad_file_names_the_place_and_what_is_expected(
        tmp_path, body, message) -> None:
    path = tmp_path / "squad.json"
    path.write_text(json.dumps(body), encoding="utf-8")
    with pytest.raises(DataError) as err:
        load_squad(path)
    assert str(err.value).startswith(f"{path}{message}")
    assert "A SQuAD-format file is one JSON object" in str(err.value)  # and what is expected


@pytest.mark.parametrize("text, reason", [
    ('{"data": [' * 100_000, "nested too deeply"),
    ('{"data": ' + "7" * 5000 + "}", "Exceeds the limit"),
])
def test_json_python_cannot_read_is_named_plainly(tmp_path, text: str, reason: str) -> None:
    path = tmp_path / "squad.json"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(DataError, match=f"is not valid JSON \\({reason}"):
        load_squad(path)


def test_a_gold_file_given_as_squad_points_to_qa_eval(tmp_path) -> None:
    line = '{"id": "q1", "question": "Who?", "answers": ["Kyiv"]}\n'
    for name, text, start in (("gold.jsonl", line * 2, "is not valid JSON (line 2, column 1: "
                                                       "Extra data)."),
                              ("one.jsonl", line, "is not a SQuAD-format file: it holds an "
                                                  "object without 'data'.")):
        path = tmp_path / name
        path.write_text(text, encoding="utf-8")
        with pytest.raises(DataError) as err:
            load_squad(path)
        assert str(err.value).startswith(f"{path} {start} It looks like JSON Lines")
        assert "the gold-file format of `qa eval FILE`" in str(err.value)


def test_squad_ids_may_be_numbers_and_missing_ids_name_the_place(tmp_path) -> None:
    path = tmp_path / "squad.json"
    no_id = {"question": "Who came?", "answers": []}
    path.write_text(json.dumps(_file({"context": "Syrians came.", "qas": [
        {**_QA, "id": 7}, no_id, {**no_id, "is_impossible": True, "answers": [
            {"text": "Syrians", "answer_start": 0}]}]})), encoding="utf-8")
    examples = load_squad(path)[0].examples
    assert [ex.id for ex in examples] == ["7", "0-0-1", "0-0-2"]
    assert [ex.answer_start for ex in examples] == [0, None, None]


def test_a_squad_file_with_a_byte_order_mark_loads(tmp_path) -> None:
    path = tmp_path / "squad.json"
    body = {"data": [{"title": "x", "paragraphs": [{"context": "Bees make honey.", "qas": [
        {"id": "1", "question": "What do bees make?",
         "answers": [{"text": "honey", "answer_start": 10}]}]}]}]}
    path.write_bytes(b"\xef\xbb\xbf" + json.dumps(body).encode())
    assert load_squad(path)[0].examples[0].answers == ("honey",)


def test_a_squad_file_not_in_utf8_names_the_byte_and_its_place(tmp_path) -> None:
    path = tmp_path / "squad.json"  # a byte-order mark first: places count after it
    path.write_bytes(b"\xef\xbb\xbf" + '{"data": [\n {"title": "Zürich"}]}'.encode("latin-1"))
    with pytest.raises(DataError, match=r"squad.json is not UTF-8 text \(byte 0xfc at line 2, "
                                        r"column 14\); save it as UTF-8"):
        load_squad(path)
