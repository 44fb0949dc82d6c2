"""Reach (issue 11): what takes the portal to where young people already are: the Atom feed of
new offers, the embeddable widget and the school button with its visit counter. The JSON API's
documents stay in ``services/api_documents``; this package builds on them and on the search."""
