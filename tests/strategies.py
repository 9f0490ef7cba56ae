"""Hypothesis strategies for hostile and random action text, shared by the env fuzz tests."""

from hypothesis import strategies as st

LITERALS = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=True) | st.text(max_size=40),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3)
    ),
    max_leaves=6,
)


def actions(names: list[str]) -> st.SearchStrategy[str]:
    """Random text, or calls of ``names`` (plus an unknown one) with random literal args."""

    @st.composite
    def calls(draw):
        args = draw(st.lists(LITERALS, max_size=4))
        name = draw(st.sampled_from([*names, "nope"]))
        return f"{name}({', '.join(repr(a) for a in args)})"

    return st.one_of(st.text(max_size=300), calls())
