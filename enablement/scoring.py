"""Quiz scoring on the server: a question scores only when the chosen set is exactly right."""

from collections.abc import Iterable, Mapping


def correct_choice_ids(question) -> frozenset[int]:
    return frozenset(choice.pk for choice in question.choices.all() if choice.is_correct)


def question_is_right(question, chosen: Iterable[int]) -> bool:
    """Single and multiple choice alike: exactly the correct choices, no more and no fewer (partial = wrong)."""
    chosen_set = frozenset(chosen)
    if question.kind == "single" and len(chosen_set) != 1:
        return False
    return chosen_set == correct_choice_ids(question)


def score(questions, answers: Mapping[int, Iterable[int]]) -> tuple[int, int]:
    """(percent 0-100 rounded half up, number right). An unanswered question is wrong."""
    questions = list(questions)
    if not questions:
        return 0, 0
    right = sum(1 for question in questions if question_is_right(question, answers.get(question.pk, ())))
    return (200 * right + len(questions)) // (2 * len(questions)), right
