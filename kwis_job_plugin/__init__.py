"""KWIS.job: a regional employer portal for young people, as a plug-in for KWIS.web."""

__version__ = "0.1.0"
