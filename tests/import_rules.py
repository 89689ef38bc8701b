"""An import rule import-linter has no contract for: no import cycles between modules (pyproject.toml uses it).

A cycle is two or more modules each importing the next, the last importing the first; imports made only
for type hints count too (they say that each module needs to know the other). A package importing its own
modules in its __init__ to offer them is not a cycle: imports of a package itself are left out.
"""
from __future__ import annotations

import networkx as nx
from grimp import ImportGraph
from importlinter import Contract, ContractCheck, fields, output


class NoCyclesContract(Contract):
    """No module of `packages` imports itself again through other modules."""

    type_name = "no_cycles"
    packages = fields.ListField(subfield=fields.StringField())

    def _inside(self, module: str) -> bool:
        return any(module == p or module.startswith(p + ".") for p in self.packages)  # type: ignore[attr-defined]

    def check(self, graph: ImportGraph, verbose: bool) -> ContractCheck:
        packages = {m for m in graph.modules if self._inside(m) and graph.find_children(m)}
        flow = nx.DiGraph()
        for module in graph.modules:
            if not self._inside(module):
                continue
            for imported in graph.find_modules_directly_imported_by(module):
                if self._inside(imported) and imported not in packages:
                    flow.add_edge(module, imported)
        cycles = []
        for group in nx.strongly_connected_components(flow):
            if len(group) > 1:
                imports = sorted((a, b) for a, b in flow.subgraph(group).edges)
                cycles.append([(a, b, _lines(graph, a, b)) for a, b in imports])
        return ContractCheck(kept=not cycles, warnings=[], metadata={"cycles": sorted(cycles)})

    def render_broken_contract(self, check: ContractCheck) -> None:
        for cycle in check.metadata["cycles"]:
            output.print_error(f"A cycle of {len({a for a, _, _ in cycle})} modules:", bold=True)
            for importer, imported, lines in cycle:
                output.print(f"- {importer} -> {imported} (l.{', l.'.join(map(str, lines))})")
            output.new_line()


def _lines(graph: ImportGraph, importer: str, imported: str) -> list[int]:
    details = graph.get_import_details(importer=importer, imported=imported)
    return sorted({d["line_number"] for d in details})
