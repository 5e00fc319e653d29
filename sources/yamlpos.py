"""Read YAML into plain dicts and lists that remember where each value was written."""

from __future__ import annotations

from pathlib import Path

import yaml

from sources.problems import Location, Problem, display_path, read_utf8


class Map(dict):
    """A mapping that knows its own position and that of each key's value."""

    location: Location
    key_locations: dict


class Seq(list):
    location: Location
    item_locations: list


class Text(str):
    """A string value with its position."""

    location: Location


# libyaml's parser is about ten times faster and reports the same positions.
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

_SCALARS = {
    "tag:yaml.org,2002:int": int,
    "tag:yaml.org,2002:float": float,
}


def _loc(path: str, node) -> Location:
    return Location(path, node.start_mark.line + 1, node.start_mark.column + 1)


def _convert(node, path: str):
    if isinstance(node, yaml.MappingNode):
        out = Map()
        out.location, out.key_locations = _loc(path, node), {}
        for key_node, value_node in node.value:
            key = _convert(key_node, path)
            if isinstance(key, (Map, Seq)):
                raise ValueError(_loc(path, key_node), "a key must be plain text")
            if key in out:
                raise ValueError(_loc(path, key_node), f"key '{key}' appears twice in this mapping")
            out[key] = _convert(value_node, path)
            out.key_locations[key] = _loc(path, value_node)
        return out
    if isinstance(node, yaml.SequenceNode):
        out = Seq(_convert(v, path) for v in node.value)
        out.location, out.item_locations = _loc(path, node), [_loc(path, v) for v in node.value]
        return out
    # Scalars: numbers become numbers, null and booleans their values; everything else,
    # dates included, stays the text the curator typed so that we check it ourselves.
    tag = node.tag
    if tag == "tag:yaml.org,2002:null":
        return None
    if tag == "tag:yaml.org,2002:bool":
        return node.value.lower() in ("true", "yes", "on")
    if tag in _SCALARS:
        try:
            return _SCALARS[tag](node.value.replace("_", ""))
        except ValueError:
            pass
    text = Text(node.value)
    text.location = _loc(path, node)
    return text


def read_yaml(path: Path) -> tuple[object, list[Problem]]:
    """Parse one YAML file; on failure return (None, problems) instead of raising."""
    shown = display_path(path)
    text, problems = read_utf8(path, shown)
    if problems:
        return None, problems
    try:
        node = yaml.compose(text, Loader=_LOADER)
    except yaml.MarkedYAMLError as e:
        mark = e.problem_mark or e.context_mark
        where = Location(shown, mark.line + 1, mark.column + 1) if mark else Location(shown)
        return None, [Problem(where, f"malformed YAML: {e.problem or e.context}")]
    except yaml.YAMLError as e:
        return None, [Problem(Location(shown), f"malformed YAML: {e}")]
    if node is None:
        return None, []
    try:
        return _convert(node, shown), []
    except ValueError as e:
        where, message = e.args
        return None, [Problem(where, message)]
