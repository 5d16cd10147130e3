"""``--format junit``: JUnit XML, for CI systems that show test reports (GitLab, Jenkins ...).

One test suite per file with findings, one failed test case per finding; a file that could not
be checked is a test case with an error. A clean run is one passing test case, so that the
report is never empty.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from itertools import groupby

from migrator.engine import RunResult
from migrator.formats.text import unsafe_note
from migrator.lifecycle import shutdown_note
from migrator.shown_paths import printable


def render(result: RunResult) -> str:
    suites = ET.Element("testsuites", name="migrator")
    total = failures = 0
    for raw_path, group in groupby(result.findings, key=lambda f: f.path):
        # XML 1.0 cannot hold most control characters, not even as references.
        path = printable(raw_path)
        findings = list(group)
        suite = ET.SubElement(
            suites, "testsuite", name=path, tests=str(len(findings)), failures=str(len(findings))
        )
        for f in findings:
            case = ET.SubElement(
                suite,
                "testcase",
                name=f"{f.code} at {f.cell_prefix}{f.line}:{f.column}",
                classname=path,
                file=path,
                line=str(f.line),
            )
            message = printable(f.message)
            failure = ET.SubElement(case, "failure", message=message, type=f.code)
            failure.text = (
                f"{path}:{f.cell_prefix}{f.line}:{f.column}: {f.code} {message}{unsafe_note(f)}"
            )
        total += len(findings)
        failures += len(findings)
    if result.errors:
        suite = ET.SubElement(
            suites,
            "testsuite",
            name="errors",
            tests=str(len(result.errors)),
            errors=str(len(result.errors)),
        )
        for e in result.errors:
            path, message = printable(e.path), printable(e.message)
            case = ET.SubElement(suite, "testcase", name=path, classname=path, file=path)
            ET.SubElement(case, "error", message=message).text = f"{path}: {message}"
        total += len(result.errors)
    if result.recorded:
        # Recorded data is left as recorded: skipped cases, which fail nothing.
        suite = ET.SubElement(
            suites,
            "testsuite",
            name="recorded data",
            tests=str(len(result.recorded)),
            skipped=str(len(result.recorded)),
        )
        for record in result.recorded:
            path = printable(record.path)
            case = ET.SubElement(suite, "testcase", name=path, classname=path, file=path)
            ET.SubElement(case, "skipped", message=f"recorded data ({record.kind})")
        total += len(result.recorded)
    if total == 0:
        suite = ET.SubElement(suites, "testsuite", name="migrator", tests="1", failures="0")
        ET.SubElement(suite, "testcase", name="no findings", classname="migrator")
        total = 1
    note = shutdown_note(result.target_shutdowns)
    if note:
        # The run's note goes into every suite (a property, first child, as the schema wants).
        for suite in suites:
            properties = ET.Element("properties")
            ET.SubElement(properties, "property", name="migrator.target-shutdown", value=note)
            suite.insert(0, properties)
    suites.set("tests", str(total))
    suites.set("failures", str(failures))
    suites.set("errors", str(len(result.errors)))
    ET.indent(suites)
    xml = ET.tostring(suites, encoding="unicode")
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + xml + "\n"
