"""REST API of the training offer."""

from ninja import Router

router = Router(tags=["trainings"])
