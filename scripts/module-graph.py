#!/usr/bin/env python3
"""The module graph of the engine, the CLI and the app: exits non-zero when
it has a cycle.

- The engine is read as rooms (its top-level modules: `backup`, `restore`,
  `server`, …): a room's own parts may use each other, but between rooms
  uses go one way (errors at the bottom, the jobs that tie things together
  at the top).
- The CLI and the app are read file by file (a module's `mod.rs` and each of
  its files), the crate root left out: it only declares and dispatches.

`--dot` prints the graphs for Graphviz."""
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent / "src-tauri"
CRATES = {
    "engine": (ROOT / "engine/src", "lib.rs", True),
    "cli": (ROOT / "cli/src", "main.rs", False),
    "app": (ROOT / "src", "lib.rs", False),
}


def module_of(src: Path, path: Path) -> tuple[str, ...]:
    parts = list(path.relative_to(src).with_suffix("").parts)
    if parts[-1] == "mod":
        parts.pop()
    return tuple(parts)


def references(text: str, here: tuple[str, ...], is_mod_rs: bool) -> set[tuple[str, ...]]:
    text = re.sub(r"//[^\n]*", "", text)  # comments and doc links
    found: set[tuple[str, ...]] = set()
    for m in re.finditer(r"\bcrate::((?:[a-z_][a-z0-9_]*::)*[a-z_][a-z0-9_]*)", text):
        found.add(tuple(m.group(1).split("::")))
    for m in re.finditer(r"\bcrate::\{([^}]*)\}", text):
        for name in re.findall(r"(?:^|,)\s*([a-z_][a-z0-9_]*)", m.group(1)):
            found.add((name,))
    # `super::x` from a file is a sibling; from a mod.rs, the parent's sibling.
    base = here if is_mod_rs else here[:-1]
    for m in re.finditer(r"\b((?:super::)+)((?:[a-z_][a-z0-9_]*::)*[a-z_*][a-z0-9_]*)?", text):
        up = m.group(1).count("super::")
        parent = base[: len(base) - up] if up <= len(base) else ()
        rest = tuple(p for p in (m.group(2) or "").split("::") if p and p != "*")
        found.add(parent + rest)
    return found


def graph(name: str) -> dict[tuple[str, ...], set[tuple[str, ...]]]:
    src, root_file, by_room = CRATES[name]
    files = sorted(src.rglob("*.rs"))
    modules = {module_of(src, f) for f in files if f.name != root_file or f.parent != src}
    node = (lambda m: m[:1]) if by_room else (lambda m: m)
    edges: dict[tuple[str, ...], set[tuple[str, ...]]] = {}
    for f in files:
        if f.parent == src and f.name == root_file:
            continue
        here = module_of(src, f)
        edges.setdefault(node(here), set())
        for ref in references(f.read_text(), here, f.name == "mod.rs"):
            # the longest module the path names
            target = next((ref[:n] for n in range(len(ref), 0, -1) if ref[:n] in modules), None)
            if target is None or node(target) == node(here):
                continue
            if not by_room and (here[: len(target)] == target):
                continue  # a module's own parent, when the parent does not use it back
            edges[node(here)].add(node(target))
    if not by_room:
        # a parent using one of its children makes the child's `super::`
        # uses a cycle; they were skipped above, so add them back
        for f in files:
            if f.parent == src and f.name == root_file:
                continue
            here = module_of(src, f)
            for ref in references(f.read_text(), here, f.name == "mod.rs"):
                target = next((ref[:n] for n in range(len(ref), 0, -1) if ref[:n] in modules), None)
                if target and here[: len(target)] == target and target != here:
                    if any(here[: len(c)] == c for c in edges.get(target, ())):
                        edges[here].add(target)
    return edges


def cycle(edges):
    state, stack = {}, []

    def visit(n):
        state[n] = 1
        stack.append(n)
        for m in sorted(edges.get(n, ())):
            if state.get(m) == 1:
                return stack[stack.index(m):] + [m]
            if m not in state and (found := visit(m)):
                return found
        stack.pop()
        state[n] = 2
        return None

    for n in sorted(edges):
        if n not in state and (found := visit(n)):
            return found
    return None


def main() -> int:
    failed = False
    for name in CRATES:
        edges = graph(name)
        show = lambda m: "::".join(m)
        if "--dot" in sys.argv:
            print(f"digraph {name} {{")
            for a in sorted(edges):
                for b in sorted(edges[a]):
                    print(f'  "{show(a)}" -> "{show(b)}";')
            print("}")
        if "-v" in sys.argv:
            for a in sorted(edges):
                print(f"{name}: {show(a):22} uses {', '.join(show(b) for b in sorted(edges[a])) or '-'}", file=sys.stderr)
        found = cycle(edges)
        if found:
            print(f"{name}: modules form a cycle: " + " -> ".join(show(m) for m in found), file=sys.stderr)
            failed = True
        else:
            print(f"{name}: {len(edges)} modules, no cycles", file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
