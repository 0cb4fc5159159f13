"""Ops behind :mod:`autograd_widgets.nn.functional`, split by concept.

Each op keeps its numpy forward next to its ``grad_fn`` class (named as in
PyTorch) and its backward formula, like :mod:`autograd_widgets.ops`.
"""
