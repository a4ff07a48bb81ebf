"""Check BPMN code against the allow-list, list the names it reads, and compile it once per source."""

from __future__ import annotations

import ast
import copy
import functools
import sys
import textwrap
from collections.abc import Mapping
from dataclasses import dataclass
from types import CodeType

from ..errors import ExpressionRefused
from .functions import DEFAULT_FUNCTIONS
from .guards import _BINARY_HELPERS, _INPLACE_HELPERS, ALLOWED_ATTRIBUTES, _n

MAX_SOURCE = 50_000  # characters of one script or expression
_FILENAME = "<bpmn>"

# Refused by name at check time so the analyst gets a clear message; the real barrier is that
# scripts run with empty __builtins__, so none of these objects is reachable anyway.
_REFUSED_NAMES = frozenset(
    "eval exec compile open getattr setattr delattr hasattr globals locals vars dir type object super "
    "breakpoint help memoryview classmethod staticmethod property exit quit print format isinstance "
    "issubclass callable iter next aiter anext".split()
)


# --- Check: an allow-list of syntax, names and attributes -----------------------------------------

_ALLOWED_NODES: frozenset[type[ast.AST]] = frozenset(
    {
        *(ast.Module, ast.Expression, ast.Expr, ast.Assign, ast.AugAssign, ast.Delete, ast.Pass),
        *(ast.If, ast.For, ast.While, ast.Break, ast.Continue, ast.IfExp, ast.NamedExpr),
        *(ast.BoolOp, ast.And, ast.Or, ast.UnaryOp, ast.Not, ast.USub, ast.UAdd, ast.Invert, ast.BinOp),
        *(ast.Add, ast.Sub, ast.Mult, ast.Div, ast.FloorDiv, ast.Mod, ast.Pow, ast.LShift, ast.RShift),
        *(ast.BitAnd, ast.BitOr, ast.BitXor, ast.Compare, ast.Eq, ast.NotEq, ast.Lt, ast.LtE, ast.Gt),
        *(ast.GtE, ast.In, ast.NotIn, ast.Is, ast.IsNot, ast.Call, ast.keyword, ast.Constant),
        *(ast.Attribute, ast.Subscript, ast.Slice, ast.Name, ast.Load, ast.Store, ast.Del, ast.Starred),
        *(ast.List, ast.Tuple, ast.Set, ast.Dict, ast.ListComp, ast.SetComp, ast.DictComp),
        *(ast.GeneratorExp, ast.comprehension, ast.JoinedStr, ast.FormattedValue),
    }
)

_REFUSED_NODES: Mapping[type[ast.AST], str] = {
    ast.Import: "importar módulos",
    ast.ImportFrom: "importar módulos",
    ast.FunctionDef: "definir funciones",
    ast.AsyncFunctionDef: "definir funciones",
    ast.Lambda: "definir funciones (lambda)",
    ast.ClassDef: "definir clases",
    ast.Global: "usar global",
    ast.Nonlocal: "usar nonlocal",
    ast.Yield: "usar yield",
    ast.YieldFrom: "usar yield",
    ast.Await: "usar await",
    ast.AsyncFor: "usar async",
    ast.AsyncWith: "usar async",
    ast.With: "usar bloques with",
    ast.Try: "capturar excepciones (try)",
    ast.TryStar: "capturar excepciones (try)",
    ast.Raise: "lanzar excepciones (raise)",
    ast.Assert: "usar assert",
    ast.Return: "usar return",
    ast.Match: "usar match",
    ast.AnnAssign: "usar anotaciones de tipo",
}


def _name_problem(name: str, ctx: ast.expr_context) -> str | None:
    """Why a variable name is refused, if it is."""
    if name.startswith("_"):
        return f"no se permite el nombre '{name}'"
    if name in _REFUSED_NAMES:
        return f"no se permite usar '{name}'"
    if not isinstance(ctx, ast.Load) and name in DEFAULT_FUNCTIONS:
        return f"no se puede usar '{name}' como variable: es una función permitida"
    return None


def _attribute_problem(node: ast.Attribute) -> str | None:
    """Why an attribute access is refused, if it is."""
    if node.attr not in ALLOWED_ATTRIBUTES:
        return f"no se permite el atributo '{node.attr}'"
    if isinstance(node.ctx, ast.Store):
        return f"no se permite modificar el atributo '{node.attr}'"
    if isinstance(node.ctx, ast.Del):
        return f"no se permite eliminar el atributo '{node.attr}'"
    return None


def _problem(node: ast.AST) -> str | None:
    """Why one syntax node is refused, if it is."""
    kind = type(node)
    if kind not in _ALLOWED_NODES:
        return "no se permite " + _REFUSED_NODES.get(kind, f"la construcción '{kind.__name__}'")
    if isinstance(node, ast.BinOp | ast.AugAssign) and type(node.op) not in _ALLOWED_NODES:
        return f"no se permite el operador '{type(node.op).__name__}'"
    if isinstance(node, ast.Name):
        return _name_problem(node.id, node.ctx)
    if isinstance(node, ast.Attribute):
        return _attribute_problem(node)
    if isinstance(node, ast.keyword) and node.arg and node.arg.startswith("_"):
        return f"no se permite el argumento '{node.arg}'"
    return None


def _check_tree(tree: ast.AST) -> None:
    """Raise ExpressionRefused naming the first refused construct and its line."""
    problems = sorted(
        (
            getattr(node, "lineno", sys.maxsize),
            getattr(node, "col_offset", 0),
            getattr(node, "end_col_offset", 0) or 0,
            problem,
        )
        for node in ast.walk(tree)
        if (problem := _problem(node))
    )
    if problems:
        line, _, _, message = problems[0]
        raise ExpressionRefused(f"línea {line}: {message}")


# --- Free names (what task data a script or expression reads) -------------------------------------

_COMPREHENSIONS = (ast.ListComp, ast.SetComp, ast.GeneratorExp, ast.DictComp)


def _stored(node: ast.AST) -> set[str]:
    """Names a node binds in its own scope (comprehension variables stay inside the comprehension)."""
    if isinstance(node, ast.Name):
        return set() if isinstance(node.ctx, ast.Load) else {node.id}
    if isinstance(node, _COMPREHENSIONS):
        return set()
    return set().union(*(_stored(child) for child in ast.iter_child_nodes(node)))


def _expr_reads(node: ast.AST, bound: frozenset[str]) -> set[str]:
    """Names read by a node that were not bound before it."""
    if isinstance(node, ast.Name):
        return {node.id} if isinstance(node.ctx, ast.Load) and node.id not in bound else set()
    if isinstance(node, _COMPREHENSIONS):
        local, reads = set(bound), set()
        for generator in node.generators:
            reads |= _expr_reads(generator.iter, frozenset(local))
            local |= _stored(generator.target)
            reads |= set().union(*(_expr_reads(cond, frozenset(local)) for cond in generator.ifs))
        parts = [node.key, node.value] if isinstance(node, ast.DictComp) else [node.elt]
        return reads.union(*(_expr_reads(part, frozenset(local)) for part in parts))
    return set().union(*(_expr_reads(child, bound) for child in ast.iter_child_nodes(node)))


def _block_reads(body: list[ast.stmt], bound: set[str]) -> set[str]:
    """Names a block of statements reads before assigning them, in source order."""
    reads: set[str] = set()
    for stmt in body:
        if isinstance(stmt, ast.For):
            reads |= _expr_reads(stmt.iter, frozenset(bound))
            bound |= _stored(stmt.target)
            reads |= _block_reads(stmt.body + stmt.orelse, bound)
        elif isinstance(stmt, ast.If | ast.While):
            reads |= _expr_reads(stmt.test, frozenset(bound))
            reads |= _block_reads(stmt.body + stmt.orelse, bound)
        else:
            if isinstance(stmt, ast.AugAssign) and isinstance(stmt.target, ast.Name):
                reads |= {stmt.target.id} - bound
            reads |= _expr_reads(stmt, frozenset(bound))
            bound |= _stored(stmt)
    return reads


# --- Guarding rewrite and compile cache -----------------------------------------------------------


def _call(helper: str, *args: ast.expr) -> ast.Call:
    """A call to one of the run-time guards."""
    return ast.Call(func=ast.Name(id=helper, ctx=ast.Load()), args=list(args), keywords=[])


def _tick(loop: ast.stmt) -> ast.stmt:
    """A call at the top of a loop body: `while True: pass` alone jumps to itself and emits no line event."""
    return ast.copy_location(ast.Expr(value=_call("_sb_tick")), loop)


class _Guard(ast.NodeTransformer):
    """Route risky operators, attribute reads and f-string fields through the run-time guards."""

    def __init__(self) -> None:
        self._temps = 0

    def visit_BinOp(self, node: ast.BinOp) -> ast.expr:
        self.generic_visit(node)
        helper = _BINARY_HELPERS.get(type(node.op))
        return node if helper is None else ast.copy_location(_call(helper, node.left, node.right), node)

    def visit_While(self, node: ast.While) -> ast.While:
        self.generic_visit(node)
        node.body.insert(0, _tick(node))
        return node

    def visit_For(self, node: ast.For) -> ast.For:
        self.generic_visit(node)
        node.body.insert(0, _tick(node))
        return node

    def visit_Attribute(self, node: ast.Attribute) -> ast.expr:
        self.generic_visit(node)
        if not isinstance(node.ctx, ast.Load):
            return node
        return ast.copy_location(_call("_sb_attr", node.value, ast.Constant(node.attr)), node)

    def visit_FormattedValue(self, node: ast.FormattedValue) -> ast.FormattedValue:
        self.generic_visit(node)
        spec: ast.expr = node.format_spec or ast.Constant("")
        field = _call("_sb_fmt", node.value, ast.Constant(node.conversion), spec)
        return ast.copy_location(ast.FormattedValue(value=field, conversion=-1, format_spec=None), node)

    def visit_AugAssign(self, node: ast.AugAssign) -> ast.stmt | list[ast.stmt]:
        self.generic_visit(node)
        helper = _INPLACE_HELPERS.get(type(node.op))
        if helper is None:
            return node
        target = node.target
        if isinstance(target, ast.Name):
            update = _call(helper, ast.Name(id=target.id, ctx=ast.Load()), node.value)
            return ast.copy_location(ast.Assign(targets=[target], value=update), node)
        if not isinstance(target, ast.Subscript):
            return node  # attribute targets never pass the check
        # d[k] += v evaluates d and k once, like Python does: keep them in temporaries.
        holder, statements, load = self._temp(), [], ast.Load()
        statements.append(ast.Assign(targets=[ast.Name(id=holder, ctx=ast.Store())], value=target.value))
        index = target.slice
        if not isinstance(index, ast.Slice):
            key = self._temp()
            statements.append(ast.Assign(targets=[ast.Name(id=key, ctx=ast.Store())], value=index))
            index = ast.Name(id=key, ctx=ast.Load())
        read = ast.Subscript(value=ast.Name(id=holder, ctx=ast.Load()), slice=copy.deepcopy(index), ctx=load)
        write = ast.Subscript(value=ast.Name(id=holder, ctx=load), slice=index, ctx=ast.Store())
        statements.append(ast.Assign(targets=[write], value=_call(helper, read, node.value)))
        return [ast.copy_location(statement, node) for statement in statements]

    def _temp(self) -> str:
        self._temps += 1
        return f"_sb_t{self._temps}"


@dataclass(frozen=True)
class _Program:
    """A checked, guarded and compiled script or expression."""

    code: CodeType
    reads: frozenset[str]
    stores: frozenset[str]


def _syntax_message(exc: SyntaxError) -> str:
    """'sintaxis inválida en la línea N: ...' (Python's own reason, in English, after the colon)."""
    where = f" en la línea {exc.lineno}" if exc.lineno else ""
    return f"sintaxis inválida{where}: {exc.msg}"


def _parse(source: str, mode: str) -> ast.AST:
    """Parse analyst code, tolerating the uniform indentation BPMN XML adds."""
    if len(source) > MAX_SOURCE:
        raise ExpressionRefused(f"el código tiene más de {_n(MAX_SOURCE)} caracteres")
    try:
        return ast.parse(textwrap.dedent(source), filename=_FILENAME, mode=mode)
    except SyntaxError as exc:
        raise ExpressionRefused(_syntax_message(exc)) from None
    except (ValueError, RecursionError, MemoryError):
        raise ExpressionRefused("el código está demasiado anidado o contiene caracteres inválidos") from None


@functools.lru_cache(maxsize=4096)
def _compile(source: str, mode: str) -> _Program:
    """Check, guard and compile once per source text: later calls cost a cache lookup."""
    tree = _parse(source, mode)
    try:
        _check_tree(tree)
        if isinstance(tree, ast.Expression):
            reads = _expr_reads(tree.body, frozenset())
        else:
            reads = _block_reads(getattr(tree, "body", []), set())
        stores = frozenset(
            n.id for n in ast.walk(tree) if isinstance(n, ast.Name) and not isinstance(n.ctx, ast.Load)
        )
        code = compile(ast.fix_missing_locations(_Guard().visit(tree)), _FILENAME, mode, dont_inherit=True)
    except SyntaxError as exc:
        raise ExpressionRefused(_syntax_message(exc)) from None
    except (RecursionError, MemoryError):
        raise ExpressionRefused("el código está demasiado anidado") from None
    return _Program(code=code, reads=frozenset(reads - DEFAULT_FUNCTIONS.keys()), stores=stores)


# --- Public API ------------------------------------------------------------------------------------


def check_expression(source: str) -> None:
    """Raise ExpressionRefused unless `source` is an expression the sandbox allows."""
    _compile(source, "eval")


def check_script(source: str) -> None:
    """Raise ExpressionRefused unless `source` is a script the sandbox allows."""
    _compile(source, "exec")


def names_used(source: str, mode: str) -> set[str]:
    """Variables an expression ('eval') or script ('exec') reads before assigning; functions excluded."""
    if mode not in ("eval", "exec"):
        raise ValueError("mode debe ser 'eval' o 'exec'")
    return set(_compile(source, mode).reads)
