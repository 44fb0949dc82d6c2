"""The host side of the KWIS.web plug-in contract.

KWIS.web is closed software, so this package spells out, in one place, what a host calls and what
it hands to plug-ins. ``hookspecs`` is the contract, ``types`` the plain data that crosses it, and
``host`` the helpers a host uses to load and run plug-ins. ``refhost`` is a small reference host.
"""

import pluggy

PROJECT_NAME = "kwis"
ENTRY_POINT_GROUP = "kwis.plugins"

hookspec = pluggy.HookspecMarker(PROJECT_NAME)
hookimpl = pluggy.HookimplMarker(PROJECT_NAME)

__all__ = ["ENTRY_POINT_GROUP", "PROJECT_NAME", "hookimpl", "hookspec"]
