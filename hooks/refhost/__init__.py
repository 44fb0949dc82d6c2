"""A small, honest stand-in for KWIS.web.

It owns user accounts and the customer table, logs people in, and draws the self-service and
admin shells from plug-in hooks exactly as KWIS.web is expected to. It runs the demo and the tests
and shows integrators, in working code, what KWIS.web must call.
"""

from .app import create_app

__all__ = ["create_app"]
