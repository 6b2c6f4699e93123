"""Issue 16, points 6 and 8: project templates are sandboxed and read only their own folder;
PDFs read only the project's files; links in content (and variants) go only where they may."""

from __future__ import annotations

import textwrap
from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import MINIMAL, ProjectMaker
from pypdf import PdfReader

from policygen import BuildOptions, ContentError, build
from policygen.build.pipeline import check
from policygen.cli import main
from policygen.render.templating import TemplateProblem, make_environment, render
from policygen.source.content import parse_content

TODAY = date(2026, 11, 25)
SITE = frozenset({"site"})
POSTERS = frozenset({"posters"})
REACH = ("template error: this template tries to reach into Python ({}); templates may only "
         "use the data they are given")
ADVICE = ("links may go to https:// or http:// addresses, mailto: and tel:, or to another part "
          "of this guidance (topic:email, glossary:grooming, page:reporting)")


class Holder:
    """Stands for the data templates are given: a variant holds the Path of its folder."""

    folder = Path("/etc")
    name = "holder"


def _render_one(tmp_path: Path, body: str) -> str:
    folder = tmp_path / "project" / "templates"
    (folder / "site").mkdir(parents=True, exist_ok=True)
    (folder / "site" / "t.html").write_text("first line\n" + body + "\n")
    context = {"holder": Holder(), "items": [1, 2], "table": {"a": 1}}
    return render(make_environment(folder), "site/t.html", context)


def _problem(tmp_path: Path, body: str) -> str:
    with pytest.raises(TemplateProblem) as caught:
        _render_one(tmp_path, body)
    return caught.value.problem.format()


@pytest.mark.parametrize(("body", "refused"), [
    ("{{ cycler.__init__.__globals__.os.popen('id').read() }}",
     "access to attribute '__init__' of 'type' object is unsafe"),
    ("{{ joiner.__init__.__globals__.os }}",
     "access to attribute '__init__' of 'type' object is unsafe"),
    ("{{ namespace.__init__.__globals__.os }}",
     "access to attribute '__init__' of 'type' object is unsafe"),
    ("{{ lipsum.__globals__['os'].popen('id').read() }}",
     "access to attribute '__globals__' of 'function' object is unsafe"),
    ("{{ ''.__class__.__mro__[1].__subclasses__() }}",
     "access to attribute '__class__' of 'str' object is unsafe"),
    ("{{ self._TemplateReference__context }}",
     "access to attribute '_TemplateReference__context' of 'TemplateReference' object is unsafe"),
    ("{{ range.__init__ }}", "access to attribute '__init__' of 'function' object is unsafe"),
    ("{{ ().__class__ }}", "access to attribute '__class__' of 'tuple' object is unsafe"),
    ("{{ ''|attr('__class__') }}", "access to attribute '__class__' of 'str' object is unsafe"),
    ("{{ '{0.__class__}'.format(1) }}",
     "access to attribute '__class__' of 'int' object is unsafe"),
    ("{{ '{x.__class__}'.format_map({'x': 1}) }}",
     "access to attribute '__class__' of 'int' object is unsafe"),
    ("{{ ('{0.__class__}'|attr('format'))(1) }}",
     "access to attribute '__class__' of 'int' object is unsafe"),
    ("{{ ''.format.__call__ }}", "access to attribute '__call__' of 'function' object is unsafe"),
    ("{{ '%s'|format(cycler.__init__) }}",
     "access to attribute '__init__' of 'type' object is unsafe"),
    # Public methods of a Path would read any file: the sandbox alone allows them.
    ("{{ holder.folder.joinpath('passwd').read_text() }}",
     "access to attribute 'folder' of 'Holder' object is unsafe"),
    ("{{ holder['folder'] }}", "access to attribute 'folder' of 'Holder' object is unsafe"),
    ("{{ holder|attr('folder') }}", "access to attribute 'folder' of 'Holder' object is unsafe"),
    ("{{ '{0.folder}'.format(holder) }}",
     "access to attribute 'folder' of 'Holder' object is unsafe"),
    ("{{ ([holder]|map(attribute='folder')|first).read_text() }}",
     "access to attribute 'folder' of 'Holder' object is unsafe"),
    # The data every page shares cannot be changed by one page.
    ("{{ items.append(3) }}", "access to attribute 'append' of 'list' object is unsafe"),
    ("{{ table.update(b=2) }}", "access to attribute 'update' of 'dict' object is unsafe"),
])
def test_template_escapes_are_template_errors_naming_file_and_line(
        tmp_path: Path, body: str, refused: str) -> None:
    assert _problem(tmp_path, body) == "templates/site/t.html:2: error: " + REACH.format(refused)


@pytest.mark.parametrize(("body", "message"), [
    ("{{ config }}", "template error: 'config' is undefined"),
    ("{{ request.environ }}", "template error: 'request' is undefined"),
    ("{% include '/etc/passwd' %}", "template error: there is no template '/etc/passwd' in the "
     "templates folder (a template may only include, import or extend another from "
     "templates/, like 'site/macros.html')"),
    ("{% include '../../../etc/passwd' %}", "template error: there is no template "
     "'../../../etc/passwd' in the templates folder (a template may only include, import or "
     "extend another from templates/, like 'site/macros.html')"),
    ("{% import '../../outside.html' as x %}", "template error: there is no template "
     "'../../outside.html' in the templates folder (a template may only include, import or "
     "extend another from templates/, like 'site/macros.html')"),
    ("{% extends 'site/../../x.html' %}", "template error: there is no template "
     "'site/../../x.html' in the templates folder (a template may only include, import or "
     "extend another from templates/, like 'site/macros.html')"),
])
def test_missing_names_and_paths_out_are_template_errors(tmp_path: Path, body: str,
                                                         message: str) -> None:
    (tmp_path / "outside.html").write_text("secret")
    assert _problem(tmp_path, body) == "templates/site/t.html:2: error: " + message


def test_ordinary_template_features_still_work(tmp_path: Path) -> None:
    body = ("{% set ns = namespace(n=0) %}{% for i in items %}{% set ns.n = ns.n + i %}"
            "{% endfor %}{{ ns.n }} {% set c = cycler('a', 'b') %}{{ c.next() }}{{ c.next() }} "
            "{{ '{}-{}'.format(1, 2) }} {{ '%s!'|format('x') }} {{ table|tojson }} "
            "{{ 'a,b'.split(',')|join('+') }} {{ holder.name|upper }} {{ range(3)|list }} "
            "{{ dict(k=1).items()|list }} {% set j = joiner('|') %}{{ j() }}x{{ j() }}y "
            "{{ lipsum(1, html=False)|wordcount > 5 }}")
    assert _render_one(tmp_path, body) == ('first line\n3 ab 1-2 x! {"a": 1} a+b HOLDER '
                                           "[0, 1, 2] [(&#39;k&#39;, 1)] x|y True\n")


def _secret(tmp_path: Path) -> Path:
    secret = tmp_path / "secret.txt"
    secret.write_text("root:x:0:0:root:/root:/bin/bash uid=0(root)\n")
    return secret


def test_a_template_linked_to_a_file_outside_is_refused_before_it_is_read(
        tmp_path: Path) -> None:
    secret = _secret(tmp_path)
    folder = tmp_path / "project" / "templates" / "site"
    folder.mkdir(parents=True)
    (folder / "leak.html").symlink_to(secret)
    (folder / "zero.html").symlink_to("/dev/zero")  # would never finish reading
    (folder / "page.html").write_text("a\n{% include 'site/leak.html' %}\n")
    (folder / "ok.html").symlink_to(folder / "page.html")  # a link inside is fine
    env = make_environment(folder.parent)
    outside = ("template error: the template 'site/leak.html' is a link to a file outside the "
               "templates folder; templates must live inside it (copy the file in)")
    for name, where in [("site/leak.html", "templates/site/leak.html"),
                        ("site/page.html", "templates/site/page.html:2"),
                        ("site/ok.html", "templates/site/ok.html:2")]:
        with pytest.raises(TemplateProblem) as caught:
            render(env, name, {})
        assert caught.value.problem.format() == f"{where}: error: {outside}"
    with pytest.raises(TemplateProblem) as caught:
        render(env, "site/zero.html", {})
    assert "there is no template 'site/zero.html'" in str(caught.value)


def test_a_templates_folder_that_is_a_link_out_of_the_project_is_refused(
        tmp_path: Path) -> None:
    elsewhere = tmp_path / "elsewhere"
    (elsewhere / "site").mkdir(parents=True)
    (elsewhere / "site" / "page.html").write_text("from elsewhere")
    project = tmp_path / "project"
    project.mkdir()
    (project / "templates").symlink_to(elsewhere)
    with pytest.raises(TemplateProblem) as caught:
        render(make_environment(project / "templates"), "site/page.html", {})
    assert "is a link to a file outside the templates folder" in str(caught.value)


HOSTILE_SITE = "{{ cycler.__init__.__globals__.os.popen('id').read() }}"


def test_a_site_template_that_runs_a_command_stops_the_build_writing_nothing(
        make_project: ProjectMaker, tmp_path: Path) -> None:
    project = make_project()
    base = project / "templates" / "site" / "base.html"
    lines = base.read_text().splitlines(keepends=True)
    base.write_text("".join(lines[:11]) + HOSTILE_SITE + "\n" + "".join(lines[11:]))
    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["build", "--project", str(project), "--out", str(out),
                                       "--format", "site", "--today", "2026-11-25"])
    assert result.exit_code == 1
    assert result.stderr.splitlines()[0] == "templates/site/base.html:12: error: " + REACH.format(
        "access to attribute '__init__' of 'type' object is unsafe")
    assert "uid=" not in result.output and "Traceback" not in result.stderr
    assert not out.exists()


# Attempts that test for what they reach, so that the build goes on and its output can be read.
GUARDED = ("{% if cycler.__init__ is defined %}{{ cycler.__init__.__globals__.os.popen('id')"
           ".read() }}{% endif %}{% if lipsum.__globals__ is defined %}{{ lipsum.__globals__"
           "['os'].popen('id').read() }}{% endif %}{{ (self|attr('_TemplateReference__context'))"
           " is defined }}<p>sandboxed</p>")


def test_guarded_attempts_reach_nothing_in_the_page_or_the_poster(
        make_project: ProjectMaker, tmp_path: Path) -> None:
    project = make_project()
    for name, marker in [("site/home.html", "{% block main %}"),
                         ("print/poster-topic.html", "{% block body %}")]:
        template = project / "templates" / name
        template.write_text(template.read_text().replace(marker, marker + GUARDED, 1))
    out = tmp_path / "out"
    build(BuildOptions(project, out, TODAY, SITE | POSTERS))
    page = (out / "index.html").read_text()
    text = "".join(page.extract_text() for page in PdfReader(out / "posters" / "email.pdf").pages)
    for output in (page, text):
        assert "sandboxed" in output and "False" in output
        assert "uid=" not in output and "root:x:" not in output


# Every way HTML and CSS ask WeasyPrint for a file; each asks for its own secret-<name>.txt.
FETCHES = {
    "stylesheet": '<link rel="stylesheet" href="{url}">',
    "img": '<img src="{url}">',
    "object": '<object data="{url}"></object>',
    "embed": '<embed src="{url}">',
    "import": "<style>@import url({url});</style>",
    "attachment": '<a rel="attachment" href="{url}">x</a>',
    "link-attachment": '<link rel="attachment" href="{url}">',
    "inline-style": '<p style="background: url({url})">x</p>',
    "font": "<style>@font-face {{ font-family: X; src: url({url}); }} p {{ font-family: X }}"
            "</style>",
    "svg": '<svg><image href="{url}" width="9" height="9"/></svg>',
    "dots": '<img src="../../../../../../../../..{path}">',
}


def test_a_poster_template_cannot_read_files_outside_the_project(
        make_project: ProjectMaker, tmp_path: Path) -> None:
    project = make_project()
    secrets = {name: tmp_path / f"secret-{name}.txt" for name in [*FETCHES, "base"]}
    for secret in secrets.values():
        secret.write_text("root:x:0:0:root:/root:/bin/bash uid=0(root)\n")
    snippets = [fetch.format(url=secrets[name].as_uri(), path=secrets[name])
                for name, fetch in FETCHES.items()]
    # <base> moves every relative address; WeasyPrint ignores <iframe>, but it must not leak.
    snippets += [f'<base href="{tmp_path.as_uri()}/"><img src="secret-base.txt">',
                 f'<iframe src="{secrets["img"].as_uri()}"></iframe>']
    poster = project / "templates" / "print" / "poster-topic.html"
    poster.write_text(poster.read_text().replace("{% block body %}",
                                                 "{% block body %}" + "".join(snippets), 1))
    out = tmp_path / "out"
    with pytest.raises(ContentError) as caught:
        build(BuildOptions(project, out, TODAY, POSTERS))
    assert sorted(p.format() for p in caught.value.problems) == sorted(
        f"content/topics/email.yaml: error: posters/email.pdf asked for '{secret.as_uri()}', "
        "which was refused: PDFs may only use files inside the project's content/, templates/ "
        "and variants/ folders, and nothing from the network" for secret in secrets.values())
    assert not out.exists()


def test_a_link_inside_the_project_to_a_file_outside_is_refused_in_a_pdf(
        make_project: ProjectMaker, tmp_path: Path) -> None:
    secret = _secret(tmp_path)
    project = make_project()
    (project / "content" / "notes.txt").symlink_to(secret)
    poster = project / "templates" / "print" / "poster-topic.html"
    poster.write_text(poster.read_text().replace(
        "{% block body %}", '{% block body %}<a rel="attachment" href="content/notes.txt">x</a>'))
    with pytest.raises(ContentError) as caught:
        build(BuildOptions(project, tmp_path / "out", TODAY, POSTERS))
    assert [p.message.split(",")[0] for p in caught.value.problems] == [
        f"posters/email.pdf asked for '{(project / 'content' / 'notes.txt').as_uri()}'"]


def test_a_poster_template_linked_outside_stops_the_build(make_project: ProjectMaker,
                                                         tmp_path: Path) -> None:
    secret = _secret(tmp_path)
    project = make_project()
    (project / "templates" / "print" / "poster-topic.html").unlink()
    (project / "templates" / "print" / "poster-topic.html").symlink_to(secret)
    with pytest.raises(TemplateProblem) as caught:
        build(BuildOptions(project, tmp_path / "out", TODAY, POSTERS))
    assert str(caught.value) == (
        "templates/print/poster-topic.html: error: template error: the template "
        "'print/poster-topic.html' is a link to a file outside the templates folder; templates "
        "must live inside it (copy the file in)")
    assert not (tmp_path / "out").exists()


# Links in content. The item's line in MINIMAL's email.yaml, as the test writes it:
LINE = 8
PREFIX = "      work-account: 'See [x]("


def _content_with(item: str) -> dict[str, str]:
    files = {name: textwrap.dedent(text) for name, text in MINIMAL.items()}
    topic = files["content/topics/email.yaml"]
    files["content/topics/email.yaml"] = topic.replace(
        "work-account: Use the account your organisation gives you; read the AUP.",
        "work-account: " + item)
    return files


def _link_error(href: str, column: int, line: int = LINE) -> str:
    return (f"content/topics/email.yaml:{line}:{column}: error: the link '{href}' is not a web "
            f"address: {ADVICE}")


@pytest.mark.parametrize(("written", "shown"), [
    ("../../../etc/passwd", None),
    ("secret.html", None),
    ("topics/email.html", None),
    ("/etc/passwd", None),
    ("//evil.example/x", None),
    (r"\evil\share", None),
    (r"C:\Windows\win.ini", None),
    ("file:///etc/passwd", None),
    ("FILE:///etc/passwd", None),
    ("data:text/html;base64,PHNjcmlwdD4=", None),
    ("javascript:alert(1)", None),
    ("JaVaScRiPt:alert(1)", None),
    ("vbscript:msgbox(1)", None),
    ("&#106;avascript:alert(1)", None),
    ("&#x6A;avascript:alert(1)", None),
    ("java&#x09;script:alert(1)", None),
    ("java&Tab;script:alert(1)", None),
    ("%6Aavascript:alert(1)", None),
    ("<java script:alert(1)>", "java script:alert(1)"),
    ("ftp://example.org/x", None),
    ("https:evil.example", None),
    ("https:///etc/passwd", None),
    ("mailto:", None),
    ("?page=1", None),
    ("Topic:email", None),
])
def test_links_that_are_not_web_addresses_are_content_errors(written: str,
                                                            shown: str | None) -> None:
    shown = shown or written
    with pytest.raises(ContentError) as caught:
        parse_content(_content_with(f"'See [x]({written}) or ask.'"))
    column = len(PREFIX) + written.index(shown) + 1
    assert [p.format().splitlines()[0] for p in caught.value.problems] == [
        _link_error(shown, column)]


@pytest.mark.parametrize(("item", "error"), [
    # reference style: the error is on the line of the reference
    ("|\n        See [x][1].\n\n        [1]: ../x\n", _link_error("../x", 14, LINE + 3)),
    ("|\n        See [the notes].\n\n        [the notes]: file:///etc/passwd\n",
     _link_error("file:///etc/passwd", 22, LINE + 3)),
    # autolinks
    ("'See <file:///etc/passwd>.'", _link_error("file:///etc/passwd", 27)),
    ("'See <ftp://example.org>.'", _link_error("ftp://example.org", 27)),
    # plain text over several lines: the line the link is on
    ("See the\n        [notes](../notes.txt) and\n        more.",
     _link_error("../notes.txt", 17, LINE + 1)),
    # a picture in reference style without brackets was never found before
    ("|\n        ![logo] is ours.\n\n        [logo]: https://tracker.example/p.png\n",
     "content/topics/email.yaml:11:17: error: images are not allowed in the text: a picture "
     "would be fetched from outside the guidance (and could not be read by everyone); describe "
     "it in words instead"),
    # an internal link by reference is checked like any other
    ("|\n        See [x][1].\n\n        [1]: topic:nowhere\n",
     "content/topics/email.yaml:11: error: the link 'topic:nowhere' points at a topic that does "
     "not exist"),
])
def test_every_form_of_link_is_checked(item: str, error: str) -> None:
    with pytest.raises(ContentError) as caught:
        parse_content(_content_with(item))
    assert [p.format().splitlines()[0] for p in caught.value.problems] == [error]


@pytest.mark.parametrize("item", [
    "'See [x](https://example.org/a?b=c#d) now.'",
    "'See [x](HTTP://EXAMPLE.ORG) now.'",
    "'See [x](mailto:help@example.org) now.'",
    "'See [x](tel:+441632960000) now.'",
    "'See [x](topic:email), [y](glossary:grooming), [z](page:reporting) now.'",
    "'See [x](<topic:email>) and [y](#top) now.'",
    "'See <https://example.org/x> or <help@example.org>.'",
    "|\n        See [x][1].\n\n        [1]: https://example.org\n",
    "'See <a href=\"file:///etc/passwd\">this</a>, shown as text.'",
    "'Text with [brackets] and <angles> but no link.'",
])
def test_allowed_links_and_link_like_text_load(item: str) -> None:
    parse_content(_content_with(item))


def test_raw_html_links_are_shown_as_text(make_project: ProjectMaker, tmp_path: Path) -> None:
    from bs4 import BeautifulSoup
    project = make_project()
    topic = project / "content" / "topics" / "email.yaml"
    topic.write_text(topic.read_text().replace(
        "Use the account your organisation gives you; read the AUP.",
        "'See <a href=\"file:///etc/passwd\">this</a> and [that](https://example.org).'"))
    build(BuildOptions(project, tmp_path / "out", TODAY, SITE))
    main = BeautifulSoup((tmp_path / "out" / "topics" / "email.html").read_text(),
                         "html.parser").find("main")
    assert 'See <a href="file:///etc/passwd">this</a> and that.' in main.get_text()
    assert [a["href"] for a in main.find_all("a") if "example.org" in a["href"]
            or "file:" in a["href"]] == ["https://example.org"]


def test_check_reports_bad_links_with_file_line_and_column_and_writes_nothing(
        make_project: ProjectMaker, tmp_path: Path) -> None:
    project = make_project({"content/topics/email.yaml": MINIMAL["content/topics/email.yaml"]
                            .replace("read the AUP.", "read [the AUP](../../../etc/passwd).")})
    result = CliRunner().invoke(main, ["check", "--project", str(project)])
    assert result.exit_code == 1
    assert result.stderr.splitlines()[:3] == [
        _link_error("../../../etc/passwd", 81),
        "          work-account: Use the account your organisation gives you; read [the AUP]"
        "(../../../etc/passwd).",
        " " * (4 + 80) + "^"]
    out = tmp_path / "out"
    with pytest.raises(ContentError):
        build(BuildOptions(project, out, TODAY, SITE | POSTERS))
    assert not out.exists() and not (project / "build").exists()


VARIANT = """\
organisation:
  name: A School
terminology:
  AUP: '[RUP](//evil.example/rup)'
local_lead:
  name: Ms Lead
  instructions: 'Read [this](file:///etc/passwd).'
items:
  reword:
    email/work-account: 'Use [the school account](../../../etc/passwd).'
  add:
    - id: tablets
      after: email/work-account
      text: 'Use the [class iPads](javascript:alert(1)).'
"""


def test_variant_text_is_checked_the_same_way(make_project: ProjectMaker) -> None:
    project = make_project()
    folder = project / "variants" / "school"
    folder.mkdir(parents=True)
    (folder / "variant.yaml").write_text(VARIANT)
    with pytest.raises(ContentError) as caught:
        check(project, TODAY, include_variants=True)
    assert [p.format().splitlines()[0] for p in caught.value.problems if p.is_error] == [
        f"variants/school/variant.yaml:{line}:{column}: error: the link '{href}' is not a web "
        f"address: {ADVICE}" for line, column, href in [
            (4, 15, "//evil.example/rup"), (7, 30, "file:///etc/passwd"),
            (10, 51, "../../../etc/passwd"), (14, 36, "javascript:alert(1)")]]
