"""The shared core every app builds on: events, workflow, tenancy, audit, guards, money, inputs."""
