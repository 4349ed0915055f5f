"""The development kit: real local stand-ins for the world, sample values and the demo.

A replay server for the recorded archive, an SMTP server, a Slack Web API, a private
PostgreSQL cluster and its pytest fixtures, a controllable clock. It lives beside the
tests, outside the installed package: production code never imports it.
"""
