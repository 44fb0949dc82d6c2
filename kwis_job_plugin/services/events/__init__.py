"""The events tool: events the agency runs, companies' slots, visitors' registrations.

Layout (imports run one way, downwards):

* ``agency``        events: create, edit, publish, cancel, archive, overview, messages
* ``companies``     taking part, stands, slots, attendee lists, check-in
* ``registrations`` registering, guardian confirmation, cancelling, the waiting list, reminders
* ``mails``         the texts of every events mail (written to the outbox)
* ``tokens``        random, hashed, one-purpose, expiring tokens for links in mails
* ``retention``     deleting registrations after the event, keeping only counts

Export and erasure of everything held about one address: ``services/privacy.py``.
"""
