from ninja import Router

router = Router(tags=["目录"])
