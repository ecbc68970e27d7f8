"""Problem 2: the canonical tree's answers, the key, bad input, the sheet and variants."""

from __future__ import annotations

import dataclasses
import itertools
import json
import warnings

import numpy as np
import pytest
import sympy as sp

from solver.build.pipeline import Variant, render_sheet, solve_all
from solver.kernel.errors import InputWarning, ParamsError
from solver.kernel.params import from_mapping, to_jsonable
from solver.kernel.problem import BuildContext
from solver.problems import beam_search as bs

from .conftest import KERNEL_PROBLEMS, SKIP_KERNELS, SKIP_NAMES, needs_latex
from .test_cli import files_in


def words(entries):
    return [(" ".join(e["sequence"]), e["logprob"]) for e in entries]


@pytest.fixture(scope="module")
def homework():
    return bs.solve(bs.Params())


@pytest.fixture(scope="module")
def key(homework):
    return {part_id: part.to_json() for part_id, part in bs.parts(homework).items()}


def params_with(**changes) -> bs.Params:
    data = to_jsonable(bs.Params())
    data.update(changes)
    return from_mapping(bs.Params, data, "beam_search")


# --------------------------------------------------------------------------- the homework's tree


def test_the_issue_results(key):
    assert words(key["2a"]["value"]) == [("neural", "-0.36"), ("network", "-1.2")]
    assert words(key["2b"]["value"]) == [("neural network", "-0.87"), ("neural neural", "-1.28")]
    assert words(key["2c"]["value"]) == [("neural network network", "-1.38"), ("neural network neural", "-1.79")]
    assert key["2d"]["value"] == {
        "returns_optimum": False,
        "beam_best": {"sequence": ["neural", "network", "network"], "logprob": "-1.38"},
        "optimum": {"sequence": ["network", "neural", "neural"], "logprob": "-1.32"},
    }
    pruned = key["2d"]["pruned_at"]
    assert (pruned["step"], words([pruned["prefix"]]), pruned["margin"]) == (2, [("network neural", "-1.31")], "0.03")
    assert "pruned" in key["2d"]["reference"] and "0.03" in key["2d"]["reference"]
    assert words([key["2d"]["greedy"]]) == [("neural network network", "-1.38")]


def test_part_shapes(key):
    assert list(key) == ["2a", "2b", "2c", "2d", "2e"]
    for part_id in ("2a", "2b", "2c"):
        assert key[part_id]["kind"] == "sequences" and key[part_id]["ordered"] is False
    assert key["2b"]["pruned"][0] == {"sequence": ["network", "neural"], "logprob": "-1.31"}
    assert key["2d"]["kind"] == "data"
    assert key["2e"]["kind"] == "complexity" and key["2e"]["value"] == "T*k*M"
    assert {"T*k**2", "T*k*M*log(k)"} <= set(key["2e"]["accepted"])
    json.dumps(key)  # plain JSON


def test_sums_are_exact(homework):
    assert homework.optimum.logprob == sp.Rational(-132, 100)
    assert homework.optimum_cut.margin == sp.Rational(3, 100)


def test_mistakes_model_pruning_and_last_step_ranking(key):
    for part_id in ("2a", "2b", "2c"):
        correct = {tuple(e["sequence"]) for e in key[part_id]["value"]}
        values = [frozenset(tuple(e["sequence"]) for e in m["value"]) for m in key[part_id]["mistakes"]]
        assert correct not in values and len(set(values)) == len(values)
        assert all(m["feedback"] for m in key[part_id]["mistakes"])
    feedback = {
        " | ".join(sorted(" ".join(e["sequence"]) for e in m["value"])): m["feedback"] for m in key["2b"]["mistakes"]
    }
    # At step 2 ranking by the newest token alone keeps the pruned [network neural]: one answer, both reasons.
    both = feedback["network neural | neural network"]
    assert "newest token alone" in both and "[network neural] (-1.31) was pruned at step 2" in both
    at_step_3 = {
        " | ".join(sorted(" ".join(e["sequence"]) for e in m["value"])): m["feedback"] for m in key["2c"]["mistakes"]
    }
    assert "pruned at an earlier step" in at_step_3["network neural neural | neural network network"]


def test_the_last_token_mistake_is_run_as_its_own_procedure():
    # Step 2: [a b] and [a a] have the best totals, [b a] and [a b] the best last tokens.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", InputWarning)  # the rows are not normalized
        p = params_with(
            vocabulary=["a", "b", "c"],
            length=2,
            tree={
                "": {"a": "-0.1", "b": "-2.5", "c": "-3"},
                "a": {"a": "-1", "b": "-0.5", "c": "-3"},
                "b": {"a": "-0.01", "b": "-5", "c": "-5"},
                "c": {"a": "-1", "b": "-1", "c": "-1"},
            },
        )
    part = bs.parts(bs.solve(p))["2b"]
    assert words(part.value) == [("a b", "-0.6"), ("a a", "-1.1")]
    last = next(m for m in part.extra["mistakes"] if "newest token alone" in m["feedback"])
    assert words(last["value"]) == [("b a", "-2.51"), ("a b", "-0.6")]  # totals, in the wrong ranking's order


def test_crosschecks_agree(homework):
    checks = bs.crosscheck(homework)
    assert checks and all(c.agrees for c in checks), [c for c in checks if not c.agrees]
    assert {c.part for c in checks} == {"2a", "2b", "2c", "2d", "2e"}


def test_torch_oracle_agrees(torch, homework):
    checks = bs.oracle_check(homework)
    assert checks and all(c.agrees for c in checks), [c for c in checks if not c.agrees]
    assert any("torch" in c.backend for c in checks)


def test_crosscheck_catches_a_wrong_table(homework):
    steps = list(homework.steps)
    wrong = steps[1].pruned[0]
    steps[1] = dataclasses.replace(steps[1], kept=(steps[1].kept[0], wrong))
    broken = dataclasses.replace(homework, steps=tuple(steps))
    assert {c.part for c in bs.crosscheck(broken) if not c.agrees} == {"2b"}
    ranking = (homework.ranking[1], homework.ranking[0]) + homework.ranking[2:]
    assert {c.part for c in bs.crosscheck(dataclasses.replace(homework, ranking=ranking)) if not c.agrees} == {"2d"}


# --------------------------------------------------------------------------- other trees


def test_ties_at_the_cut_are_reported_and_both_engines_follow_the_rule():
    p = params_with(tree={**to_jsonable(bs.Params())["tree"], "network": {"neural": "-0.08", "network": "-2.59"}})
    solution = bs.solve(p)  # [network neural] now totals -1.28, like [neural neural]
    step = solution.steps[1]
    assert step.tie_at_cut and [h.tokens for h in step.kept] == [(0, 1), (0, 0)]
    assert any("step 2" in tie for tie in solution.ties)
    assert all(c.agrees for c in bs.crosscheck(solution))
    tex = render_sheet(
        "solutions",
        solve_all({"rnn_backprop": _rnn(), "beam_search": p}, BuildContext(skip=KERNEL_PROBLEMS)),
        Variant(),
    )
    assert "tie at the cut" in tex and "by the tie rule" in tex


def _rnn():
    from solver.problems.rnn_backprop import Params

    return Params()


@pytest.mark.parametrize("length, ids", [(1, ["2a"]), (2, ["2a", "2b"]), (4, ["2a", "2b", "2c", "2c.step4"])])
def test_part_ids_follow_the_length(length, ids):
    tree = {"": {"neural": "-0.36", "network": "-1.20"}}
    for t in range(1, length):
        for prefix in __import__("itertools").product(["neural", "network"], repeat=t):
            tree[" ".join(prefix)] = {"neural": "-0.51", "network": "-0.92"}
    solution = bs.solve(params_with(length=length, tree=tree))
    assert list(bs.parts(solution)) == ids + ["2d", "2e"]
    assert all(c.agrees for c in bs.crosscheck(solution))


def random_tree(vocabulary, length, seed):
    rng = np.random.default_rng(seed)
    tree = {}
    for t in range(length):
        for prefix in __import__("itertools").product(vocabulary, repeat=t):
            tree[" ".join(prefix)] = dict(
                zip(vocabulary, (str(-v) for v in np.round(rng.uniform(0, 4, len(vocabulary)), 2)), strict=False)
            )
    return tree


@pytest.mark.parametrize(
    "vocab_size, length, width, mode",
    [(3, 3, 2, "explored"), (5, 4, 8, "kept"), (2, 10, 300, "paths"), (2, 4, 2, "full")],
)
def test_bigger_trees_render_compactly(vocab_size, length, width, mode):
    vocabulary = [f"w{i}" for i in range(vocab_size)]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", InputWarning)  # random rows are not normalized
        p = params_with(vocabulary=vocabulary, beam_width=width, length=length, tree=random_tree(vocabulary, length, 7))
    solution = bs.solve(p)
    view = bs.view(solution)
    assert view["figure"]["mode"] == mode
    shown = {box["id"] for box in view["figure"]["boxes"]}
    assert all(edge["from"] in shown and edge["to"] in shown for edge in view["figure"]["edges"])
    assert (view["statement_figure"] is None) == (sum(vocab_size**t for t in range(1, length + 1)) > 40)
    solved = solve_all({"rnn_backprop": _rnn(), "beam_search": p}, BuildContext(skip=KERNEL_PROBLEMS))
    for kind in ("problems", "solutions"):
        assert r"\begin{tikzpicture}" in render_sheet(kind, solved, Variant())


@pytest.mark.slow  # a whole build with both PDFs
@needs_latex
def test_a_big_tree_compiles(run_cli, tmp_path):
    vocabulary = [f"w{i}" for i in range(5)]
    data = {
        "beam_search": {"vocabulary": vocabulary, "beam_width": 8, "length": 4, "tree": random_tree(vocabulary, 4, 3)}
    }
    params = tmp_path / "p.json"
    params.write_text(json.dumps(data))
    code, _, err = run_cli("build", *SKIP_NAMES, "--params", params, "--out", tmp_path / "out")
    assert code == 0, err
    assert "hw6: warning: beam_search.tree" in err  # the random rows do not sum to 1
    assert (tmp_path / "out" / "solutions.pdf").exists()


# --------------------------------------------------------------------------- bad input


@pytest.mark.parametrize(
    "section, fragment",
    [
        ('tree: {"": {neural: 0.2, network: -1.2}}', "beam_search.tree[''].neural: expected a log-probability <= 0"),
        ("tree: {'': {neural: .nan, network: -1.2}}", "beam_search.tree[''].neural: expected a finite number"),
        ("beam_width: 0", "beam_search.beam_width: expected an integer from 1 to 1000, got 0"),
        ("length: 0", "beam_search.length: expected an integer from 1 to 20, got 0"),
        ("length: 4", "beam_search.length: expected at most 3, the depth of the tree"),
        ("vocabulary: [neural, neural]", "beam_search.vocabulary[1]: expected a token not listed before"),
        (
            "vocabulary: ['neural net', network]",
            "beam_search.vocabulary[0]: expected a token of 1 to 30 printable characters",
        ),
        ("vocabulary: []", "beam_search.vocabulary: expected a list of 1 to 50 tokens"),
        (
            "vocabulary: [neural, network, deep]",
            "beam_search.tree[''].deep: expected a log-probability for every vocabulary token",
        ),
        (
            "tree: {'': {neural: -0.4, network: -1.1, deep: -3}}",
            "beam_search.tree[''].deep: expected a token of the vocabulary",
        ),
        ("tree: {'': {neural: -0.4, network: -1.1}, 'neural deep': {neural: -1, network: -1}}", "'deep' is not one"),
        (
            "tree: {'': {neural: -0.4, network: -1.1}, 'neural': {neural: -1, network: -1}, 'neural neural': {neural: -1, network: -1}}",
            "beam_search.tree.network: expected the next-token log-probabilities after this prefix, which are missing",
        ),
        ("tree: {neural: {neural: -1, network: -1}}", "beam_search.tree['']: expected the row of the start"),
        ("tree: {'': [1, 2]}", "beam_search.tree['']: expected a mapping"),
        ("tree: {'': {neural: abc, network: -1}}", "beam_search.tree[''].neural: expected a number"),
    ],
)
def test_bad_input_exits_2_naming_the_field(run_cli, tmp_path, section, fragment):
    params = tmp_path / "p.yaml"
    params.write_text("beam_search:\n  " + section + "\n")
    out = tmp_path / "out"
    code, stdout, err = run_cli("build", *SKIP_NAMES, "--no-pdf", "--params", params, "--out", out)
    assert code == 2 and stdout == "", err
    assert fragment in err, err
    assert len(err.strip().splitlines()) == 1 and files_in(out) == set()


def test_too_many_sequences_is_refused():
    vocabulary = tuple(f"w{i}" for i in range(30))
    row = {w: sp.Rational(-1, 10) for w in vocabulary}
    with pytest.raises(ParamsError, match=r"^length: expected a length whose 30\^T sequences number at most 20,000"):
        bs.Params(vocabulary=vocabulary, length=3, tree={"": row, "w0 w0": row})


def test_rows_that_do_not_sum_to_one_warn_once_and_build(run_cli, tmp_path):
    params = tmp_path / "p.yaml"
    params.write_text(
        "beam_search:\n  tree:\n"
        + "".join(
            f"    '{prefix}': {{neural: {row['neural']}, network: {row['network']}}}\n"
            for prefix, row in {
                **to_jsonable(bs.Params())["tree"],
                "neural": {"neural": "-0.5", "network": "-0.5"},
            }.items()
        )
    )
    code, out, err = run_cli("key", *SKIP_KERNELS, "--params", params)
    assert code == 0 and json.loads(out)["parts"]["2a"]
    assert err.count("hw6: warning:") == 1 and "'neural' sums to 1.213" in err
    with pytest.warns(InputWarning, match="do not sum to 1 within 0.01"):
        params_with(
            tree={
                "": {"neural": "-0.1", "network": "-0.1"},
                **{k: v for k, v in to_jsonable(bs.Params())["tree"].items() if k},
            }
        )


def test_parameters_round_trip():
    p = bs.Params()
    assert from_mapping(bs.Params, json.loads(json.dumps(to_jsonable(p))), "beam_search") == p
    rows = to_jsonable(p)["tree"]
    # Exact decimal text, not fractions or floats: what a person would type, and what reads back exactly.
    assert all(isinstance(text, int) or "/" not in text for row in rows.values() for text in row.values())
    assert all(
        sp.Rational(rows[prefix][word]) == value for prefix, row in p.tree.items() for word, value in row.items()
    )


# --------------------------------------------------------------------------- variants


def most_likely_sequences(params: bs.Params) -> list[tuple[int, ...]]:
    """Every sequence with the highest total, by summing each one's tree entries: no search at all."""
    tree, words = params.tree, params.vocabulary
    totals = {
        tokens: sum(tree[" ".join(words[t] for t in tokens[:step])][words[tokens[step]]] for step in range(len(tokens)))
        for tokens in itertools.product(range(len(words)), repeat=params.length)
    }
    best = max(totals.values())
    return [tokens for tokens, total in totals.items() if total == best]


def test_variants_keep_their_promises():
    drawn = [bs.sample(np.random.default_rng(seed)) for seed in range(12)]
    assert bs.sample(np.random.default_rng(3)) == drawn[3]  # seeded: the same variant again
    solutions = [bs.solve(p) for p in drawn]
    for p, solution in zip(drawn, solutions, strict=True):
        optimum = most_likely_sequences(p)
        assert len(optimum) == 1 and solution.beam_best.tokens != optimum[0]  # beam search misses the one optimum
        assert all(c.agrees for c in bs.crosscheck(solution))
    assert any(s.greedy_best.tokens != s.beam_best.tokens for s in solutions)
    assert len({p.vocabulary for p in drawn}) > 1


def test_variants_can_be_asked_to_find_the_optimum():
    p = bs.sample(np.random.default_rng(0), bs.SampleOptions(misses_optimum=False))
    assert bs.solve(p).returns_optimum


def test_guarantees_name_what_is_broken(homework):
    assert bs.guarantees(homework.params, homework) == []
    tied = params_with(tree={**to_jsonable(bs.Params())["tree"], "network": {"neural": "-0.08", "network": "-2.59"}})
    broken = bs.guarantees(tied, bs.solve(tied))
    assert any("tie" in b for b in broken)
    found = params_with(beam_width=4)
    assert any("returns the most likely sequence" in b for b in bs.guarantees(found, bs.solve(found)))
