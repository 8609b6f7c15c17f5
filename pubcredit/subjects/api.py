from ninja import Router

router = Router(tags=["信用主体"])
