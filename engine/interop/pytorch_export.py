"""Export a graph as a readable, runnable PyTorch file: an nn.Module mirroring the graph and a training loop.

The file holds the code; the parameter values go to a .npz file beside it (numpy arrays, no pickle).
Training (`python model.py`) loads the graph's dataset with the explorer's engine.data.prepare, so the
explorer's project folder must be on the Python path; the module itself needs only torch and numpy.
"""
from __future__ import annotations

import io
import pprint
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from ..errors import EngineError
from ..fileformat.safe_io import write_atomic
from ..graph import Graph, Node
from ..names import printable
from ..op_facts import Role
from ..ops.sources import initial_value
from ..shapes import infer_shapes
from .errors import InteropError
from .names import identifier
from .pytorch_ops import EXPRESSIONS, HELPERS, NOTES, USES_HELPER
from .pytorch_template import HEADER, TRAINING_CODE, model_code

RESERVED = {"out", "values", "path", "model", "windows", "bag_of_words", "bag_of_bigrams", "max_over_time",
            "binary_cross_entropy", "weighted_log",
            "DTYPE", "WEIGHTS", "train", "main", "feeds", "evaluate", "accuracy", "batch", "sys"}
INLINE_CONSTANT = 16  # constants up to this many entries are written into the code


@dataclass
class Plan:
    """What the generated module needs: names, shapes, sources, outputs and the optional (label) inputs."""

    graph: Graph
    names: dict[str, str] = field(default_factory=dict)  # node id -> Python identifier
    shapes: dict[str, tuple] = field(default_factory=dict)
    dtypes: dict[str, str] = field(default_factory=dict)
    inputs: list[str] = field(default_factory=list)
    optional: set[str] = field(default_factory=set)
    outputs: list[str] = field(default_factory=list)


def export_pytorch(graph: Graph, path: str | Path) -> Path:
    """Write `path` (.py) and its weights (same name, .npz); returns the weights' path."""
    path = Path(path)
    weights = path.with_suffix(".npz")
    source = pytorch_source(graph, weights.name)
    plan = _plan(graph)
    arrays = {plan.names[n.id]: np.asarray(_value(n), dtype=np.float64) for n in _stored(graph)}
    write_atomic(weights, _npz(arrays))
    write_atomic(path, source.encode("utf-8"))
    return weights


def pytorch_source(graph: Graph, weights_name: str = "model.npz") -> str:
    """The Python source of the exported module (values are read from `weights_name` beside it)."""
    plan = _plan(graph)
    helpers = sorted({USES_HELPER[n.op_name] for n in graph.nodes.values() if n.op_name in USES_HELPER})
    parts = [HEADER.format(title=_title(graph), description=_description(graph),
                           weights=docstring_text(weights_name), weights_literal=repr(weights_name))]
    parts += [HELPERS[h] for h in helpers]
    parts.append(model_code(_title(graph), _declarations(plan), _signature(plan), _body(plan)))
    training = _training_settings(graph, plan)
    if training:
        parts.append(TRAINING_CODE.format(**training))
    else:
        parts.append(_no_training_main(graph, plan))
    return "\n\n".join(p.strip("\n") + "\n" for p in parts)


def _plan(graph: Graph) -> Plan:
    report = infer_shapes(graph)
    if report.errors:
        raise InteropError("cannot export a graph with errors: " + "; ".join(report.messages(graph)))
    missing = sorted({n.op_name for n in graph.nodes.values() if not n.op.is_source and n.op_name not in EXPRESSIONS})
    if missing:
        raise InteropError(f"cannot export to PyTorch: no mapping for the op(s) {', '.join(missing)}")
    plan = Plan(graph, shapes=report.known(), dtypes=report.dtypes)
    taken = set(RESERVED)
    for node_id in graph.topo_order():
        node = graph.nodes[node_id]
        plain = identifier(node.name)
        # a clash (e.g. "+b" next to the parameter b) reads better with the op than with a number
        plan.names[node_id] = identifier(node.name if plain not in taken else f"{node.name}_{node.op_name.lower()}",
                                         taken)
    plan.inputs = [n for n in graph.topo_order() if graph.nodes[n].op.role.fed]
    labels = (graph.meta.get("bindings") or {}).get("labels")
    plan.optional = {n for n in plan.inputs if graph.nodes[n].op.role is Role.LABEL or graph.nodes[n].name == labels}
    plan.outputs = _outputs(graph)
    return plan


def _outputs(graph: Graph) -> list[str]:
    ids = [n for n in graph.topo_order() if graph.nx.out_degree(n) == 0 and not graph.nodes[n].op.is_source]
    bound = (graph.meta.get("bindings") or {}).get("output")
    if bound:
        try:
            node = graph.find(bound)
        except EngineError:
            node = None
        if node is not None and node.id not in ids and not node.op.is_source:
            ids.append(node.id)
    return ids


def _stored(graph: Graph) -> list[Node]:
    """Parameters, and constants too large to write into the code."""
    return [n for n in graph.nodes.values()
            if n.op.role is Role.PARAMETER or (n.op.role is Role.CONSTANT and np.size(_value(n)) > INLINE_CONSTANT)]


def _value(node: Node) -> np.ndarray:
    return node.value if node.value is not None else initial_value(node.op)


def docstring_text(text: str) -> str:
    """Text safe inside a generated docstring: on one line, printable, backslashes and quotes escaped."""
    return printable(" ".join(text.split())).replace("\\", "\\\\").replace('"', '\\"')


def _title(graph: Graph) -> str:
    return docstring_text(str(graph.meta.get("title") or "Computation graph"))


def _description(graph: Graph) -> str:
    text = str(graph.meta.get("description") or "")
    return "\n".join(docstring_text(line) for line in _wrap(text, 100)) + "\n\n" if text.strip() else ""


def _wrap(text: str, width: int) -> list[str]:
    lines, line = [], ""
    for word in text.split():
        if line and len(line) + 1 + len(word) > width:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}".strip()
    return lines + ([line] if line else [])


def _declarations(plan: Plan) -> list[str]:
    """__init__ lines: one nn.Parameter per Parameter node, one buffer per Constant."""
    lines = []
    stored = {n.id for n in _stored(plan.graph)}
    for node_id in plan.graph.topo_order():
        node, name = plan.graph.nodes[node_id], plan.names[node_id]
        if not node.op.role.stored:
            continue
        shape = ", ".join(str(d) for d in np.shape(_value(node)))
        zeros = f"torch.zeros(({shape}{',' if np.ndim(_value(node)) == 1 else ''}), dtype=DTYPE)"
        if node.op.role is Role.PARAMETER:
            lines.append(f"self.{name} = nn.Parameter({zeros})  # Parameter {node.name!r}, values from the .npz")
        else:
            value = zeros if node_id in stored else f"torch.tensor({np.asarray(_value(node)).tolist()!r}, dtype=DTYPE)"
            lines.append(f'self.register_buffer("{name}", {value})  # Constant {node.name!r}')
    return lines


def _signature(plan: Plan) -> str:
    args = [f"{plan.names[n]}: torch.Tensor" + (" | None = None" if n in plan.optional else "") for n in plan.inputs]
    required = [a for a in args if "None" not in a]
    optional = [a for a in args if "None" in a]
    return ", ".join(["self"] + required + optional)


def _npz(arrays: dict[str, np.ndarray]) -> bytes:
    """The bytes of an .npz file holding `arrays` by name, as np.savez writes them; unlike its keyword arguments,
    any name works (a parameter may be called `file` or `allow_pickle`)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, array in arrays.items():
            with archive.open(f"{name}.npy", "w") as entry:
                np.lib.format.write_array(entry, array, allow_pickle=False)
    return buffer.getvalue()


def _body(plan: Plan) -> list[str]:
    """forward() lines in topological order; nodes that need a label run only when it is given."""
    graph = plan.graph
    needs_label = _depends_on(graph, plan.optional)
    main: list[str] = []
    guarded: list[str] = []
    for node_id in graph.topo_order():
        node = graph.nodes[node_id]
        if node.op.is_source:
            continue
        (guarded if node_id in needs_label else main).append(_statement(plan, node))
    lines = main + ["out = {" + ", ".join(f"{graph.nodes[n].name!r}: {plan.names[n]}" for n in plan.outputs
                                         if n not in needs_label) + "}"]
    if guarded:
        condition = " and ".join(f"{plan.names[n]} is not None" for n in sorted(plan.optional, key=plan.inputs.index))
        lines.append(f"if {condition}:  # the loss needs the labels")
        lines += [f"    {line}" for line in guarded]
        lines += [f"    out[{graph.nodes[n].name!r}] = {plan.names[n]}" for n in plan.outputs if n in needs_label]
    return lines + ["return out"]


def _depends_on(graph: Graph, sources: set[str]) -> set[str]:
    import networkx as nx

    found: set[str] = set()
    for source in sources:
        found |= nx.descendants(graph.nx, source)
    return found


def _statement(plan: Plan, node: Node) -> str:
    incoming = plan.graph.incoming(node.id)
    args, shapes = [], []
    for port in node.op.connected_ports(incoming):
        src = incoming[port.name].src
        name = f"self.{plan.names[src]}" if plan.graph.nodes[src].op.role.stored else plan.names[src]
        if not port.integer and plan.dtypes.get(src) == "int":
            name = f"{name}.to(DTYPE)"
        args.append(name)
        shapes.append(plan.shapes[src])
    expression = EXPRESSIONS[node.op_name](node, args, shapes)
    note = f": {NOTES[node.op_name]}" if node.op_name in NOTES else ""
    return f"{plan.names[node.id]} = {expression}  # {node.op_name} {node.name!r}{note}"


def _training_settings(graph: Graph, plan: Plan) -> dict[str, str] | None:
    """Values for the training part of the template, or None when the graph cannot be trained."""
    from ..training import TrainingError, TrainingSettings, resolve_bindings

    if "dataset" not in graph.meta:
        return None
    try:
        bindings = resolve_bindings(graph)
        settings = TrainingSettings.from_dict(graph.meta.get("training"))
    except (TrainingError, EngineError):
        return None
    x_node, y_node = graph.nodes[bindings.inputs], graph.nodes[bindings.labels]
    output = graph.nodes[bindings.output]
    binary = len(plan.shapes[output.id] or ()) < 2 or (plan.shapes[output.id] or (0,))[-1] == 1
    return {
        "dataset": pprint.pformat(graph.meta["dataset"], width=100),
        "training": pprint.pformat(settings.to_dict(), width=100),
        "x_arg": plan.names[x_node.id], "y_arg": plan.names[y_node.id],
        "x_dtype": "torch.long" if x_node.op.out_dtype == "int" else "DTYPE",
        "y_dtype": "torch.long" if y_node.op.out_dtype == "int" else "DTYPE",
        "loss": repr(graph.nodes[bindings.loss].name), "output": repr(output.name),
        "predict": ("(scores > (0.5 if PROBABILITIES else 0.0)).long().reshape(-1)" if binary
                    else "scores.argmax(dim=-1)"),
        "probabilities": repr(output.op.output_kind.probabilities),
    }


def _no_training_main(graph: Graph, plan: Plan) -> str:
    sample = graph.meta.get("sample")
    if not isinstance(sample, dict):
        return ('\nif __name__ == "__main__":\n'
                '    print("This graph has no dataset to train on; import Model from this file and call it.")\n')
    nodes = {graph.nodes[i].name: graph.nodes[i] for i in plan.inputs}
    feeds = ", ".join(f"{plan.names[nodes[k].id]}=torch.tensor({v!r}, dtype="
                      f"{'torch.long' if nodes[k].op.out_dtype == 'int' else 'DTYPE'})"
                      for k, v in sample.items() if k in nodes)
    return ('\nif __name__ == "__main__":\n'
            f"    for name, value in Model()({feeds}).items():  # the graph's sample input\n"
            '        print(name, "=", value.detach().numpy())\n')
