"""Prepared letter templates: each .docx is opened, patched and compiled once, then only rendered.

docxtpl, on every render, reopens the .docx with python-docx, parses every XML part, cleans the Jinja tags
Word split across runs (``patch_xml``) and compiles each part's Jinja: about 9 compilations per letter.
A content version's template bytes never change, so ``prepare`` does all that once and ``render`` only runs
the compiled templates with a case's context, then writes the zip with the untouched parts already
compressed. The result is the same document docxtpl produces (tests/unit/test_letters__cache.py compares
every part of every shipped letter); it follows docxtpl 0.20's ``DocxTemplate.render`` step by step:
body, headers, footers, core properties, footnotes, in that order, so the first error is the same one too.
"""

from __future__ import annotations

import copy
import hashlib
import io
import re
import struct
import threading
import time
import zipfile
import zlib
from collections import OrderedDict
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, cast

from docx.opc.constants import CONTENT_TYPE as CT
from docx.opc.coreprops import CoreProperties
from docx.opc.oxml import serialize_part_xml
from docx.opc.part import Part
from docx.oxml.coreprops import CT_CoreProperties
from docx.oxml.document import CT_Document
from docx.oxml.parser import parse_xml
from docxtpl import DocxTemplate
from jinja2 import Environment, Template

# The core properties docxtpl renders as templates (DocxTemplate.render_properties), in its order.
_PROPERTIES = ("author", "comments", "identifier", "language", "subject", "title")
_FOOTNOTES = "application/vnd.openxmlformats-officedocument.wordprocessingml.footnotes+xml"


@dataclass(frozen=True)
class _Member:
    """One zip member whose bytes never change: deflated once, copied into every letter."""

    name: str
    deflated: bytes
    crc: int
    size: int


@dataclass(frozen=True)
class _Part:
    """An XML part rendered per letter: its patched source compiled once."""

    name: str
    template: Template
    encoding: str = "utf-8"
    blob: bytes = b""  # footnotes only: the part as stored, kept when the document has no section


@dataclass(frozen=True)
class Prepared:
    """A template ready to render: compiled parts, the document stub, and the zip's other members."""

    members: tuple[_Member | str, ...]  # python-docx's order; a str names a part rendered per letter
    env: Environment
    document: bytes  # w:document with an empty w:body, replaced by the rendered one
    body: _Part
    headers: tuple[_Part, ...]  # headers, then footers, as docxtpl renders them
    core: tuple[str, bytes]  # member name and XML of the part docxtpl sets the properties on
    properties: tuple[tuple[str, Template], ...]
    footnotes: tuple[_Part, ...]


def _compile(env: Environment, patched: str) -> Template:
    """Jinja template of one patched part, as DocxTemplate.render_xml_part compiles it."""
    return env.from_string(re.sub(r"<w:p([ >])", r"\n<w:p\1", patched))


def _finish(helper: DocxTemplate, rendered: str) -> str:
    """The rest of DocxTemplate.render_xml_part: undo its line breaks and escapes, expand tabs and breaks."""
    xml = re.sub(r"\n<w:p([ >])", r"<w:p\1", rendered)
    xml = xml.replace("{_{", "{{").replace("}_}", "}}").replace("{_%", "{%").replace("%_}", "%}")
    return cast(str, helper.resolve_listing(xml))


def _deflate(name: str, data: bytes) -> _Member:
    """A member compressed as python-docx's zipfile.writestr does (raw deflate, default level)."""
    packer = zlib.compressobj(zlib.Z_DEFAULT_COMPRESSION, zlib.DEFLATED, -15)
    return _Member(name, packer.compress(data) + packer.flush(), zlib.crc32(data), len(data))


def _headers(tpl: DocxTemplate, env: Environment) -> Iterator[_Part]:
    for uri in (tpl.HEADER_URI, tpl.FOOTER_URI):
        for _key, part in tpl.get_headers_footers(uri):
            xml = tpl.get_part_xml(part)
            encoding = tpl.get_headers_footers_encoding(xml)
            yield _Part(part.partname.membername, _compile(env, tpl.patch_xml(xml)), encoding)


def _footnotes(parts: Sequence[Part], tpl: DocxTemplate, env: Environment) -> Iterator[_Part]:
    for part in parts:
        if part.content_type == _FOOTNOTES:
            source = tpl.patch_xml(part.blob.decode("utf-8"))
            yield _Part(part.partname.membername, _compile(env, source), blob=part.blob)


def prepare(template: bytes, env: Environment) -> Prepared:
    """Open, patch and compile a .docx template once (docx, XML and Jinja syntax errors propagate)."""
    tpl = DocxTemplate(io.BytesIO(template))
    doc = tpl.get_docx()
    body = _Part(doc.part.partname.membername, _compile(env, tpl.patch_xml(tpl.get_xml())))
    headers = tuple(_headers(tpl, env))
    props = doc.core_properties  # python-docx adds a default core part here when the file has none
    properties = tuple((name, env.from_string(getattr(props, name))) for name in _PROPERTIES)
    parts = doc.part.package.parts
    core = next(p for p in parts if p.content_type == CT.OPC_CORE_PROPERTIES)
    footnotes = tuple(_footnotes(parts, tpl, env))
    stub = copy.deepcopy(doc.element)
    stub.body.clear()
    core_name = core.partname.membername
    out = io.BytesIO()
    doc.save(out)
    rendered = {body.name, core_name} | {p.name for p in headers + footnotes}
    members = tuple(_members(out.getvalue(), rendered))
    # XML as bytes, parsed again per letter: no lxml tree is shared between threads
    core_xml = (core_name, core.blob)
    return Prepared(members, env, serialize_part_xml(stub), body, headers, core_xml, properties, footnotes)


def _members(saved: bytes, rendered: set[str]) -> Iterator[_Member | str]:
    """The members of the template as python-docx saves it: rendered ones by name, the others deflated."""
    with zipfile.ZipFile(io.BytesIO(saved)) as zf:
        for info in zf.infolist():
            name = info.filename
            yield name if name in rendered else _deflate(name, zf.read(name))


def render(prepared: Prepared, context: Mapping[str, Any]) -> bytes:
    """The .docx for ``context``: the compiled parts rendered, the zip written (Jinja errors propagate)."""
    helper = DocxTemplate(io.BytesIO())  # docxtpl's own helpers; it numbers drawings from 1000 per letter
    helper.docx_ids_index = 1000
    tree = helper.fix_tables(_finish(helper, prepared.body.template.render(context)))
    helper.fix_docpr_ids(tree)
    document = cast(CT_Document, parse_xml(prepared.document))
    document.replace(document.body, tree)
    parts = {prepared.body.name: serialize_part_xml(document)}
    for part in prepared.headers:
        xml = _finish(helper, part.template.render(context)).encode(part.encoding)
        parts[part.name] = serialize_part_xml(parse_xml(xml))
    parts[prepared.core[0]] = _core(prepared, context)
    sections = len(document.sectPr_lst)
    for part in prepared.footnotes:
        parts[part.name] = _footnote(prepared.env, helper, part, context, sections)
    return _zip(prepared.members, parts)


def _core(prepared: Prepared, context: Mapping[str, Any]) -> bytes:
    """docProps/core.xml with its text properties rendered (python-docx adds the ones that are missing)."""
    element = cast(CT_CoreProperties, parse_xml(prepared.core[1]))
    props = CoreProperties(element)
    for name, template in prepared.properties:
        setattr(props, name, template.render(context))
    return serialize_part_xml(element)


def _footnote(
    env: Environment, helper: DocxTemplate, part: _Part, context: Mapping[str, Any], sections: int
) -> bytes:
    """docxtpl renders footnotes once per section of the rendered body: not at all without one."""
    if sections == 0:
        return part.blob
    xml = _finish(helper, part.template.render(context))
    for _ in range(sections - 1):  # rare: the second pass re-reads the first one's output, as docxtpl does
        xml = _finish(helper, _compile(env, helper.patch_xml(xml)).render(context))
    return xml.encode("utf-8")


# Zip records (APPNOTE.TXT 4.3.7, 4.3.12, 4.3.16), without ZIP64: a letter is far below 4 GB.
_LOCAL = struct.Struct("<4s5H3L2H")
_CENTRAL = struct.Struct("<4s6H3L5H2L")
_END = struct.Struct("<4s4H2LH")
_MADE_BY = 3 << 8 | 20  # Unix, zip 2.0: what zipfile writes
_DEFLATED = 8


def _zip(members: Sequence[_Member | str], rendered: Mapping[str, bytes]) -> bytes:
    """The .docx: members in order, as zipfile.writestr writes them (deflated, stamped now, mode 600)."""
    out = io.BytesIO()
    directory: list[bytes] = []
    stamp = _dos_now()
    for item in members:
        member = item if isinstance(item, _Member) else _deflate(item, rendered[item])
        name = member.name.encode("utf-8")
        flags = 0 if name.isascii() else 0x800  # bit 11: the name is UTF-8
        fields = (20, flags, _DEFLATED, *stamp, member.crc, len(member.deflated), member.size, len(name))
        directory.append(_CENTRAL.pack(b"PK\x01\x02", _MADE_BY, *fields, 0, 0, 0, 0, 0o600 << 16, out.tell()))
        directory[-1] += name
        out.write(_LOCAL.pack(b"PK\x03\x04", *fields, 0) + name + member.deflated)
    start, count = out.tell(), len(directory)
    out.write(b"".join(directory))
    out.write(_END.pack(b"PK\x05\x06", 0, 0, count, count, out.tell() - start, start, 0))
    return out.getvalue()


def _dos_now() -> tuple[int, int]:
    """Local time as a zip entry's (time, date), like zipfile's ZipInfo."""
    year, month, day, hour, minute, second = time.localtime()[:6]
    return hour << 11 | minute << 5 | second // 2, (year - 1980) << 9 | month << 5 | day


_ABSENT = object()


class TemplateCache:
    """Prepared templates by the sha256 of their bytes, the least recently used dropped past ``capacity``.

    Shared by the web threads and the scheduler thread: the lock guards only the dictionary (compiled
    templates render concurrently), so two threads may prepare the same new template at once; the first
    one stored wins. A template that cannot be prepared is remembered as None: the caller renders it
    with docxtpl, which then reports its problem exactly as before.
    """

    def __init__(self, env: Environment, capacity: int = 64) -> None:
        self._env = env
        self._capacity = capacity
        self._items: OrderedDict[bytes, Prepared | None] = OrderedDict()
        self._lock = threading.Lock()

    def __len__(self) -> int:
        with self._lock:
            return len(self._items)

    def get(self, template: bytes) -> Prepared | None:
        """The prepared template, or None when it cannot be prepared (docxtpl will say why)."""
        key = hashlib.sha256(template).digest()
        with self._lock:
            found = self._items.get(key, _ABSENT)
            if found is not _ABSENT:
                self._items.move_to_end(key)
                return cast(Prepared | None, found)
        try:
            prepared: Prepared | None = prepare(template, self._env)
        except Exception:  # broken or unusual: docxtpl renders it (or says why) exactly as before the cache
            prepared = None
        with self._lock:
            stored = self._items.setdefault(key, prepared)
            self._items.move_to_end(key)
            while len(self._items) > self._capacity:
                self._items.popitem(last=False)
            return stored
