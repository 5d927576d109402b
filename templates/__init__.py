"""The default theme of publisher: Jinja2 templates and static files.

This folder ships inside the package as ``publisher.theme``. A site overrides any file here by
putting a file of the same name in its own ``templates/`` folder.
"""
