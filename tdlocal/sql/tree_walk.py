"""Bottom-up rewriting of sqlglot trees, so a rewritten node's arguments are rewritten too.

sqlglot's own transform() does not descend into a node it has just replaced, which would leave
`greatest(date_trunc(...), x)` half fixed once greatest() is rewritten.
"""

from __future__ import annotations

from collections.abc import Callable

from sqlglot import exp


def rewrite_bottom_up(
    tree: exp.Expression, rewrite: Callable[[exp.Expression], exp.Expression]
) -> exp.Expression:
    """Apply `rewrite` to every node, children before parents; returns the (possibly new) root."""
    root = tree
    for node in reversed(list(tree.walk())):
        # Where the node sits, read before `rewrite` may wrap it in a new parent.
        parent, key, index = node.parent, node.arg_key, node.index
        replacement = rewrite(node)
        if replacement is node:
            continue
        if node is root:
            root = replacement
        else:
            parent.set(key, replacement, index)
    return root
