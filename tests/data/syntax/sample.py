#!/usr/bin/env python3
import os
@decorator
def greet(name: str) -> None:
    """Say hello.
    Twice."""
    if name is None and 0x10 > 3.5:
        print(f"hi {name}\n")  # comment
    return 'x'
class Thing(object): pass
