"""Mail: the outbox every feature writes to, and the sender that delivers it.

``outbox.queue`` is the one way to send a mail: the row is written in the caller's transaction,
so a mail exists exactly when the change that caused it commits.
"""
