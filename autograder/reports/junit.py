"""JUnit XML for CI test reporters (GitHub test-reporter actions, GitLab's unit test reports)."""
from __future__ import annotations

import re
import xml.etree.ElementTree as ET

from autograder.grading.results import ExerciseResult, Report
from autograder.reports.text import strip_control

# Characters XML 1.0 cannot hold, even escaped: C0 controls except \t \n \r, surrogates, U+FFFE/U+FFFF.
# (strip_control already drops C0 controls and escape sequences; this catches the rest.)
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def _clean(s: str) -> str:
    return _NOT_XML.sub("", strip_control(s))


def _time(seconds: float) -> str:
    return f"{seconds:.3f}"


def _system_out(e: ExerciseResult) -> str:
    parts = []
    if e.problems:
        parts.append("Problems:\n" + "\n".join(f"- {p}" for p in e.problems))
    if e.output:
        parts.append("Output of the submission:\n" + e.output)
    return "\n\n".join(parts)


def _suite(e: ExerciseResult) -> ET.Element:
    failures = sum(not t.passed for t in e.tests)
    suite = ET.Element("testsuite", name=_clean(e.exercise), tests=str(len(e.tests)),
                       failures=str(failures), errors="0", skipped="0", time=_time(e.seconds))
    for t in e.tests:
        case = ET.SubElement(suite, "testcase", classname=_clean(f"autograder.{e.exercise}"),
                             name=_clean(t.name))
        props = ET.SubElement(case, "properties")
        for key, value in (("points", f"{t.score:.12g}"), ("max_points", f"{t.max_score:.12g}"),
                           ("description", t.description)):
            ET.SubElement(props, "property", name=key, value=_clean(value))
        if not t.passed:
            message = _clean(t.message)
            if not message.strip():
                message = "test failed"
            first_line = next(line for line in message.splitlines() if line.strip())
            ET.SubElement(case, "failure", message=first_line.strip()).text = message
    out = _system_out(e)
    if out:
        ET.SubElement(suite, "system-out").text = _clean(out)
    return suite


def render(report: Report) -> str:
    """Render `report` as a JUnit XML document: one <testsuite> per exercise."""
    root = ET.Element("testsuites", name=_clean(f"autograder: {report.submission}"),
                      tests=str(len(report.tests)),
                      failures=str(sum(not t.passed for t in report.tests)),
                      time=_time(sum(e.seconds for e in report.exercises)))
    root.extend(_suite(e) for e in report.exercises)
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"
