"""Follow-up detection and the retrieval query built from the conversation."""

from __future__ import annotations

import pytest

from qa.followup import (
    contextualize,
    conversation_person,
    is_followup,
    resolve_person,
    retrieval_query,
)

FOLLOWUPS = [
    "And who is his close ally?",
    "How much were they paid?",
    "what about the Chechen troops?",
    "How about Belarus?",
    "Where did it happen?",
    "Who said that?",
    "Why?",
    "How many?",
    "When were those fighters recruited?",
    "What is its capital?",
    "how much were they paid",
]
SELF_CONTAINED = [
    "How long are the contracts offered to the Syrian volunteers?",
    "Who is the Chechen leader?",
    "Who is Putin?",
    "Who said that Russia recruited Syrians?",
    "What did Danilov say about his country?",
    "Is there any sign of the Belarusian army taking part in the invasion?",
    "How many battalion tactical groups did Putin deploy?",
    "Which countries do the volunteers of the international legion come from?",
    # names that start with a letter outside ASCII
    "What did Łukasiewicz say about her film?",
    "Why did Ólafur leave his job?",
    "What is Łódź?",
    "Who is Émile?",
]


@pytest.mark.parametrize("question", FOLLOWUPS)
def test_followups_are_detected(question: str) -> None:
    assert is_followup(question)


@pytest.mark.parametrize("question", SELF_CONTAINED)
def test_self_contained_questions_are_not_followups(question: str) -> None:
    assert not is_followup(question)


def test_followup_query_joins_the_previous_question() -> None:
    previous = ["How long are the contracts offered to the Syrian volunteers?"]
    query = retrieval_query("How much were they paid?", previous)
    assert query == ("How long are the contracts offered to the Syrian volunteers? "
                     "How much were they paid?")


def test_self_contained_question_is_not_polluted_by_history() -> None:
    previous = ["How long are the contracts offered to the Syrian volunteers?"]
    assert retrieval_query("Who is the Chechen leader?", previous) == "Who is the Chechen leader?"


def test_no_history_means_the_question_alone() -> None:
    assert retrieval_query("How much were they paid?", []) == "How much were they paid?"
    assert retrieval_query("And his ally?", ["", "   "]) == "And his ally?"


def test_chained_followups_reach_back_to_the_last_self_contained_question() -> None:
    history = ["Who recruited Syrians?", "Who is the Chechen leader?", "And who is his ally?"]
    query = retrieval_query("How long have they known him?", history)
    assert query.startswith("Who is the Chechen leader? And who is his ally?")
    assert "Who recruited Syrians?" not in query
    assert query.endswith("How long have they known him?")


def test_query_length_stays_bounded() -> None:
    long_previous = "Why did the recruiter say " + "very " * 400 + "much?"
    query = retrieval_query("How much were they paid?", [long_previous])
    assert len(query) <= 900
    assert query.endswith("How much were they paid?")
    assert not query.startswith(" ")


def test_person_pronouns_become_the_previous_answer() -> None:
    previous = ["Who is the Chechen leader?"]
    reader_q, query, followup = contextualize("And who is his close ally?", previous,
                                              "Ramzan Kadyrov")
    assert followup
    assert reader_q == "And who is Ramzan Kadyrov's close ally?"
    assert query == "Who is the Chechen leader? And who is Ramzan Kadyrov's close ally?"
    assert resolve_person("Who sent him there?", "Who is the leader?", "Ramzan Kadyrov") == (
        "Who sent Ramzan Kadyrov there?")
    assert resolve_person("What is her role?", "Who chairs it?", "Helen Park") == (
        "What is Helen Park's role?")
    assert resolve_person("Who met her in Kyiv?", "Who chairs it?", "Helen Park") == (
        "Who met Helen Park in Kyiv?")
    assert resolve_person("Where did he study?", "Who wrote it?", "Émile Zola") == (
        "Where did Émile Zola study?")


@pytest.mark.parametrize("previous_question, previous_answer", [
    ("How long are the contracts?", "Ramzan Kadyrov"),  # not a "who" question
    ("Who recruited them?", "the Pentagon officials"),  # not a name
    ("Who recruited them?", None),  # no answer
    ("Who is the Chechen leader?", "the head of Chechnya"),  # asked about no name either
    ("Who is he?", None),  # a pronoun, not a name
    ("What is Oleksiy Danilov's post?", "secretary"),  # not a "who" question
])
def test_pronouns_stay_when_the_previous_answer_is_not_a_person(
        previous_question: str, previous_answer: str | None) -> None:
    assert resolve_person("And who is his ally?", previous_question, previous_answer) == (
        "And who is his ally?")


def test_contextualize_leaves_self_contained_questions_alone() -> None:
    question = "Who is the Chechen leader?"
    assert contextualize(question, ["Who is he?"], "Putin") == (question, question, False)
    assert contextualize("How much were they paid?", [], None) == (
        "How much were they paid?", "How much were they paid?", False)


# Short questions from a user trial over technical docs: tool names are lower case, and
# a short question that names one is self-contained.
SHORT_SELF_CONTAINED = [
    "What is apt?",
    "Is libffi thread-safe?",
    "What is systemd?",
    "Who wrote curl?",
    "Define idempotent.",
    "Explain cgroups.",
    # keyword questions, as typed into a search box (a review's): whole questions
    "Capital of France?", "Eiffel Tower height?", "Nobel Prize 2014?", "git rebase?",
    "Einstein's birthday?",
]
SHORT_FOLLOWUPS = [
    "Why?", "How many?", "When?", "Who else?", "What then?", "Since when?", "And?",
    "How long?", "Why not?", "Where exactly?", "How so?", "What's that?", "Is it?",
    "Explain.",
    # fragments: no question word, auxiliary or request, so they continue the last question
    "In 2014?", "Ukraine?", "The capital?", "And in 2020?", "Or Kyiv?",
    "How tall?", "How expensive?",
]


@pytest.mark.parametrize("question", SHORT_SELF_CONTAINED)
def test_short_questions_naming_something_in_lower_case_are_self_contained(
        question: str) -> None:
    assert not is_followup(question)


@pytest.mark.parametrize("question", SHORT_FOLLOWUPS)
def test_short_questions_of_only_function_words_are_followups(question: str) -> None:
    assert is_followup(question)


def test_a_short_question_naming_a_tool_is_searched_alone() -> None:
    previous = ["What is the secret launch code of the Zephyr project?"]
    assert retrieval_query("What is apt?", previous) == "What is apt?"
    assert contextualize("Is libffi thread-safe?", previous, "none") == (
        "Is libffi thread-safe?", "Is libffi thread-safe?", False)
    assert retrieval_query("Why?", previous) == f"{previous[0]} Why?"


# A follow-up that names nothing ("When?", "and why?") is read as the last earlier
# question with its question phrase swapped; retrieval still searches the conversation.
@pytest.mark.parametrize("previous, followup, reader_question", [
    ("What does Alexander Golts think about a military victory in Syria?", "Why?",
     "Why does Alexander Golts think about a military victory in Syria?"),
    ("How much were they paid?", "When?", "When were they paid?"),
    ("How much were they paid?", "and when?", "When were they paid?"),
    ("What does Alexander Golts think about it?", "Why exactly?",
     "Why exactly does Alexander Golts think about it?"),
    ("Where does Russia want Syrians to fight?", "So why?",
     "Why does Russia want Syrians to fight?"),
    ("How many battalion tactical groups did Putin deploy?", "Where?",
     "Where did Putin deploy?"),
    ("Which countries do the volunteers come from?", "How many?",
     "How many do the volunteers come from?"),
    ("What's the capital of Ukraine?", "Why?", "Why is the capital of Ukraine?"),
    ("What were the contracts offered?", "How long?", "How long were the contracts offered?"),
    # a subject question has no auxiliary to keep: the phrase goes before the rest
    ("Who visited Moscow on Tuesday?", "When?", "When visited Moscow on Tuesday?"),
    ("Who was killed in an artillery strike?", "Where?",
     "Where was killed in an artillery strike?"),
    ("Who is the Chechen leader?", "Who else?", "Who else is the Chechen leader?"),
])
def test_a_followup_naming_nothing_reads_the_previous_question_swapped(
        previous: str, followup: str, reader_question: str) -> None:
    reader_q, query, is_follow = contextualize(followup, [previous], "Ramzan Kadyrov")
    assert is_follow
    assert reader_q == reader_question
    assert query == f"{previous} {followup}"  # retrieval as before


def test_the_swap_reaches_back_past_earlier_bare_followups() -> None:
    history = ["Who is the Chechen leader?", "What were the Syrian volunteers offered?", "Why?"]
    reader_q, query, _ = contextualize("When?", history, None)
    assert reader_q == "When were the Syrian volunteers offered?"
    assert query == "What were the Syrian volunteers offered? Why? When?"


@pytest.mark.parametrize("previous, followup", [
    ("How long are the contracts?", "In 2014?"),  # a fragment: read as typed
    ("How long are the contracts?", "And who is his ally?"),  # names something
    ("How long are the contracts?", "Why not?"),  # not only a question phrase
    ("How long are the contracts?", "Since when?"),
    ("In 2014?", "When?"),  # no question phrase to swap
    ("Ukraine?", "Why?"),
])
def test_other_followups_are_read_as_before(previous: str, followup: str) -> None:
    assert contextualize(followup, [previous], None)[0] == followup


def test_a_followup_naming_nothing_with_only_bare_followups_before_is_read_as_typed() -> None:
    assert contextualize("When?", ["Why?", "and how?"], None)[0] == "When?"


@pytest.mark.parametrize("previous, followup, expected", [
    ("Where does Russia want Syrians to fight?", "Why?", "urban warfare"),
    ("Who was killed in an artillery strike in western Syria?", "When?", "Tuesday"),
])
def test_a_bare_followup_is_answered_from_the_previous_questions_passage(
        seeds_pipeline, previous: str, followup: str, expected: str) -> None:
    """End to end with the shipped reader over the seeds: the bare "Why?"/"When?" alone
    found nothing (the reader read "Why?"); read as a whole question it is answered."""
    reader_q, query, _ = contextualize(followup, [previous],
                                       seeds_pipeline.answer(previous).text)
    bare = seeds_pipeline.answer(followup, query=query)
    assert bare.text is None
    answer = seeds_pipeline.answer(reader_q, query=query)
    assert answer.text is not None and expected in answer.text
    assert any(s.has_answer and expected in s.passage for s in answer.sources)


@pytest.mark.parametrize(("question", "followup"), [
    # found in a browser trial: searched with the previous question, though "they" are the
    # people it names itself
    ("How many people from how many countries said they are willing to join Ukraine's "
     "international legion?", False),
    ("How much did the volunteers say they were paid?", False),
    ("Why did the recruiters say it was dangerous?", False),
    # the speaker is a pronoun, or not named: the conversation says who
    ("What did he say they were paid?", True),
    ("Who said they would come?", True),
    ("What did they say?", True),
    ("And what did the officials say they wanted?", True),  # opens like a continuation
])
def test_reported_speech_about_a_named_speaker_is_self_contained(question: str,
                                                                 followup: bool) -> None:
    assert is_followup(question) is followup


@pytest.mark.parametrize("question", [
    "Who else shared the Nobel Prize with him?",  # a name before 'him' (a user trial's)
    "What else did Fleming discover?",
    "Where else do Syrian volunteers fight?",
])
def test_a_question_asking_who_or_what_else_leans_on_the_conversation(question: str) -> None:
    assert is_followup(question)
    assert retrieval_query(question, ["Who discovered penicillin?"]) == (
        f"Who discovered penicillin? {question}")


def test_who_else_with_a_pronoun_reads_the_previous_answer_in_its_place() -> None:
    assert contextualize("Who else shared the Nobel Prize with him?",
                         ["Who discovered penicillin?"], "Alexander Fleming")[0] == (
        "Who else shared the Nobel Prize with Alexander Fleming?")
    assert not is_followup("Who elsewhere won the cup?")
    assert not is_followup("What Elsevier journal published the study?")


@pytest.mark.parametrize("previous_answer", ["Ukraine's security council secretary", None])
def test_after_who_is_a_name_the_pronoun_is_that_name(previous_answer: str | None) -> None:
    """A browser trial: "Who is Oleksiy Danilov?" then "What did he allege?" was read as
    asked and found nothing; the answer (what he is, or none) is no name, the question is."""
    assert contextualize("What did he allege?", ["Who is Oleksiy Danilov?"],
                         previous_answer) == (
        "What did Oleksiy Danilov allege?",
        "Who is Oleksiy Danilov? What did Oleksiy Danilov allege?", True)
    assert resolve_person("Where did she study?", "who was Marie Curie", previous_answer) == (
        "Where did Marie Curie study?")
    # a name given as the answer comes first
    assert resolve_person("Where did he study?", "Who is Kadyrov's ally?", "Vladimir Putin") == (
        "Where did Vladimir Putin study?")


def test_the_person_is_followed_through_a_chain_of_turns() -> None:
    """"Who is he?" answered with what he is, then "his" still means the first answer."""
    questions = ["Who is the Chechen leader?", "Who is he?"]
    answers: list[str | None] = ["Ramzan Kadyrov", "the head of the Chechen Republic"]
    assert conversation_person(questions, answers) == "Ramzan Kadyrov"
    assert contextualize("And who is his close ally?", questions, answers=answers)[0] == (
        "And who is Ramzan Kadyrov's close ally?")
    # only the last answer: "Who is he?" names no one, as before
    assert contextualize("And who is his close ally?", questions, answers[-1])[0] == (
        "And who is his close ally?")
    # a question about him that is no "who" question keeps him too
    born = ["Who is the Chechen leader?", "When was he born?"]
    assert conversation_person(born, ["Ramzan Kadyrov", "1976"]) == "Ramzan Kadyrov"
    assert conversation_person(born, ["Ramzan Kadyrov", None]) == "Ramzan Kadyrov"


@pytest.mark.parametrize("questions, answers", [
    # a self-contained question in between ends it
    (["Who is the Chechen leader?", "How long are the contracts?"],
     ["Ramzan Kadyrov", "six months"]),
    # the last who-question names someone else: that one
    (["Who is the Chechen leader?", "Who is the Russian president?"],
     ["Ramzan Kadyrov", "Vladimir Putin"]),
    ([], []),
])
def test_the_person_ends_or_changes_with_the_conversation(
        questions: list[str], answers: list[str | None]) -> None:
    person = conversation_person(questions, answers)
    assert person == ("Vladimir Putin" if "president" in " ".join(questions) else None)


def test_answers_must_match_the_questions() -> None:
    with pytest.raises(ValueError, match="1 answers for 2"):
        contextualize("Who is he?", ["Who?", "Why?"], answers=["x"])
    # blank earlier questions are dropped with their answers
    assert contextualize("Where did he study?", ["", "Who wrote it?"],
                         answers=["x", "Émile Zola"])[0] == "Where did Émile Zola study?"


def test_a_bare_followup_reads_the_person_too() -> None:
    """A trial: "Who led the glacier team?" (Ingrid Solberg), "Where was she born?", then
    "When?" was read as "When was she born?" and answered with another woman's year."""
    questions = ["Who led the glacier team?", "Where was she born?"]
    answers: list[str | None] = ["Ingrid Solberg", "Tromsø"]
    assert contextualize("When?", questions, answers=answers)[0] == (
        "When was Ingrid Solberg born?")
    # and past a bare "And why?" in between, which keeps the person as well
    questions = ["Who built the Port Ellis lighthouse?", "When was she born?", "And why?"]
    answers = ["Margaret Holloway", "1839", None]
    assert conversation_person(questions, answers) == "Margaret Holloway"
    assert contextualize("Where?", questions, answers=answers)[0] == (
        "Where was Margaret Holloway born?")
    assert contextualize("And who funds her project?", questions, answers=answers)[0] == (
        "And who funds Margaret Holloway's project?")


def test_for_how_long_reads_the_previous_question() -> None:
    """A trial: "For how long?" after "Where did he teach?" was read as typed (found
    nothing)."""
    assert contextualize("For how long?", ["Who taught at the academy?", "Where did he teach?"],
                         answers=["Paolo Ferri", "Milan"])[0] == (
        "For how long did Paolo Ferri teach?")
    assert contextualize("For whom?", ["Where did he teach?"], "Milan")[0] == "For whom?"
