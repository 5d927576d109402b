"""Publish: build, check, plan the upload, run it, record what was released, notify."""
