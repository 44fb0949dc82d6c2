"""Alerts and the Alumni-Karte (issue 11): subscriptions with double opt-in
(``subscriptions``), the periodic digests (``digests``, ``periods``) and the "Zurück in der
Region" messages (``returnees``). Plain functions over a session; no Flask here. The views pass
the links the mails need (``DigestLinks`` and plain callables)."""
