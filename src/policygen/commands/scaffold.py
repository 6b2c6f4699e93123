"""`policygen fork`: a new variant folder with a commented variant.yaml to start from."""

from __future__ import annotations

import json
from pathlib import Path
from string import Template

from policygen.errors import OutputError
from policygen.render.shipped import template_file
from policygen.source.reader import ID_PATTERN
from policygen.variants.variant import VARIANT_FILE
from policygen.words import language_name


def fork(name: str, into: Path, templates: Path, organisation: str = "",
         command: str = "policygen", languages: tuple[str, ...] = ()) -> Path:
    """Create <into>/<name>/variant.yaml; never overwrite anything that is there.

    `command` is how policygen is run in this project (see `command_for`), so that every
    instruction in the new file works as it is written. Of guidance in several `languages`,
    the organisation's name is written in each, so that the new file is valid as it is.
    """
    if not ID_PATTERN.fullmatch(name):
        raise OutputError(f"'{name}' cannot be a variant name: use lower-case letters, digits "
                          "and hyphens, like oakfield-primary")
    folder = into / name
    target = folder / VARIANT_FILE
    if target.exists():
        raise OutputError(f"{target} already exists and is left as it is; choose another name "
                          "or edit that file")
    organisation = organisation or name.replace("-", " ").title()
    text = Template(template_file(templates, f"fork/{VARIANT_FILE}").read_text(encoding="utf-8"))
    folder.mkdir(parents=True, exist_ok=True)
    with target.open("x", encoding="utf-8") as file:  # "x": fail rather than overwrite
        file.write(text.substitute(name=name, organisation=organisation, policygen=command,
                                   organisation_yaml=name_yaml(organisation, languages),
                                   languages_note=languages_note(languages)))
    return target


def name_yaml(organisation: str, languages: tuple[str, ...]) -> str:
    """The organisation's name as the file writes it: once, or under each language's tag,
    each other language's with a note to put the name it has in that language. It follows
    `name:` in the template directly, so that no line ends in a space."""
    if len(languages) < 2:
        return " " + json.dumps(organisation)
    return "".join(f"\n    {tag}: {json.dumps(organisation)}" + (
        f"  # your name in {language_name(tag)}, if it is not the same" if index else "")
        for index, tag in enumerate(languages))


def languages_note(languages: tuple[str, ...]) -> str:
    """Of guidance in several languages, how the file writes each text in each (the examples
    further down are in one language, as for guidance in one). It follows a "#" in the file."""
    if len(languages) < 2:
        return ""
    main, *others = languages
    names = " and ".join(language_name(tag) for tag in languages)
    lines = [
        f" This guidance is in {names}. Write every text you add or change in each,",
        "# under its language's tag, as the name below is written; for example:",
        "#items:", "#  reword:", "#    email/work-account:",
        f"#      {main}: Use your school email account for everything to do with school.",
        *(f"#      {tag}: (the same, in {language_name(tag)})" for tag in others),
        "# Give your words for each language under its tag too:",
        "#terminology:", f"#  {main}:", "#    children and young people: pupils",
        *(f"#  {tag}: {{}}    # your {language_name(tag)} words, or {{}} to change none"
          for tag in others),
        "# The examples further down are in one language only: write them the same way.",
        "#",
    ]
    return "\n".join(lines)


def command_for(project: Path) -> str:
    """How an editor runs policygen here: the project's own ./policygen when it has one."""
    return "./policygen" if (project / "policygen").is_file() else "policygen"
