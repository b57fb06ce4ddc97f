"""The Jinja2 environments the HTML and Markdown pages are rendered with (templates in ./templates).

Escaping cannot be forgotten: in HTML, autoescaping escapes every value a template prints; in
Markdown, every printed value is Markdown-escaped unless a filter already made it Markdown (`Md`).
In both, control characters and text that cannot be written as UTF-8 are cleaned first.
"""
from __future__ import annotations

import functools
import os
import re
from pathlib import PurePath
from urllib.parse import quote

import jinja2
from markupsafe import Markup, escape

from autograder.reports.text import points, strip_control

# Lone surrogates cannot be encoded as UTF-8 (writing the page would fail); U+FFFE/U+FFFF are non-characters.
_UNENCODABLE = re.compile("[\ud800-\udfff\ufffe\uffff]")
_CODE = re.compile(r"`([^`\n]+)`")  # `code` in a test's description
_MD_SPECIAL = re.compile(r"([\\`*_\[\]<>|#~&])")

# No scripts, plugins, frames, forms or <base>: the pages only need their CSS and images.
CSP = "script-src 'none'; object-src 'none'; frame-src 'none'; base-uri 'none'; form-action 'none'"


class Md(str):
    """Text that is Markdown already: printed as it is."""


def clean(value: object) -> str:
    """`value` as text with control characters dropped and unencodable characters replaced."""
    return _UNENCODABLE.sub("\ufffd", strip_control(str(value)))


def one_line(value: object) -> str:
    return " ".join(clean(value).split())


def basename(path: object) -> str:
    """The last part of a path: a page names the graded file, not the folders it sat in."""
    return one_line(PurePath(str(path)).name)


def percent(fraction: float) -> str:
    """A whole percentage, rounded half up; 0 % and 100 % only when exactly so (199 of 200 is 99 %)."""
    whole = int(round(fraction * 100, 6) + 0.5)
    if 0 < fraction < 1:
        whole = min(99, max(1, whole))
    return f"{whole}%"


def url(*parts: str) -> str:
    """A relative URL to a path of `parts`: student ids may hold spaces, '#', '?', '%', or (undecodable
    file names) lone surrogates, which stand for the name's raw bytes on disk. '..' stays as it is."""
    return "/".join(p if p in (".", "..") else quote(os.fsencode(p), safe="") for p in parts)


def anchor(*parts: str) -> str:
    """An id for an element of the page (letters, digits, '-' and '_' only)."""
    return "-".join(re.sub(r"[^A-Za-z0-9_-]", "-", one_line(p)) for p in parts)


# --- HTML ---

def html_code(value: object) -> Markup:
    """A test's description with its `code` spans as <code>, the rest escaped: never literal backticks."""
    text = one_line(value)
    out, last = [], 0
    for match in _CODE.finditer(text):
        out += [escape(text[last:match.start()]), Markup("<code>%s</code>") % match.group(1)]
        last = match.end()
    out.append(escape(text[last:]))
    return Markup("").join(out)


def _html_finalize(value: object) -> object:
    return value if isinstance(value, Markup) or not isinstance(value, str) else clean(value)


# --- Markdown ---

def _md_escape(text: str) -> str:
    return _MD_SPECIAL.sub(r"\\\1", re.sub(r"\s+", " ", clean(text)))


def md(value: object) -> Md:
    """Inline text safe in a table cell or list item: one line, Markdown punctuation backslash-escaped."""
    return Md(_md_escape(one_line(value)))


def md_code(value: object) -> Md:
    """A test's description with its `code` spans as Markdown code spans, the rest escaped."""
    text = one_line(value)
    out, last = [], 0
    for match in _CODE.finditer(text):
        # In a GFM table a '|' ends the cell even inside a code span unless escaped.
        out += [_md_escape(text[last:match.start()]), "`" + match.group(1).replace("|", "\\|") + "`"]
        last = match.end()
    out.append(_md_escape(text[last:]))
    return Md("".join(out))


def md_fence(value: object, indent: int = 0) -> Md:
    """A fenced code block holding `value` verbatim, its fence longer than any backtick run inside;
    lines after the first indented by `indent` spaces (a block inside a list item)."""
    text = clean(value).rstrip()
    longest = max((len(run) for run in re.findall(r"`+", text)), default=0)
    fence = "`" * max(3, longest + 1)
    return Md(f"{fence}text\n{text}\n{fence}".replace("\n", "\n" + " " * indent))


def md_html(value: object) -> Md:
    """One line of text inside an HTML element of the Markdown (a <summary>), `code` as <code>."""
    return Md(str(html_code(value)))


def md_url(*parts: str) -> Md:
    return Md(url(*parts))


def md_raw(link: str) -> Md:
    """A link the kit built (already URL-quoted): printed as it is, but never with a ')' or a space."""
    return Md(str(link).replace(" ", "%20").replace(")", "%29").replace("(", "%28"))


def md_safe(text: str) -> Md:
    """What a template built as Markdown (a macro's output): printed as it is."""
    return Md(text)


def _md_finalize(value: object) -> object:
    return value if isinstance(value, Md) else _md_escape(value) if isinstance(value, str) else value


# --- environments ---

def _common(env: jinja2.Environment) -> jinja2.Environment:
    env.filters.update(points=points, percent=percent, one_line=one_line, anchor=anchor, basename=basename)
    env.globals.update(url=url, anchor=anchor, CSP=CSP)
    return env


@functools.cache
def html_environment() -> jinja2.Environment:
    env = jinja2.Environment(loader=jinja2.PackageLoader("autograder.reports", "templates"),
                             autoescape=True, finalize=_html_finalize, undefined=jinja2.StrictUndefined,
                             trim_blocks=True, lstrip_blocks=True)
    env.filters.update(code=html_code)
    return _common(env)


@functools.cache
def markdown_environment() -> jinja2.Environment:
    env = jinja2.Environment(loader=jinja2.PackageLoader("autograder.reports", "templates"),
                             autoescape=False, finalize=_md_finalize, undefined=jinja2.StrictUndefined,
                             trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True)
    env.filters.update(md=md, code=md_code, fence=md_fence, html=md_html, md_raw=md_raw, md_safe=md_safe)
    env.globals.update(url=md_url)
    return _common(env)


def render_html(template: str, **context: object) -> str:
    return html_environment().get_template(template).render(**context)


def render_markdown(template: str, **context: object) -> str:
    text = markdown_environment().get_template(template).render(**context)
    return re.sub(r"\n{3,}", "\n\n", text).strip() + "\n"
