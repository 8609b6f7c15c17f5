"""Credit repair (信用修复): a subject applies to end the effects of a bad record."""
