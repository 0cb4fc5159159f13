"""The tensor core: ``Tensor`` and ``Size`` (``tensor.py``), dtypes and promotion
(``_dtype.py``), the factories and the random generator (``_creation.py``,
``_random.py``) and PyTorch's printing (``_printing.py``). (``randint``/``multinomial``
sit above the ops, in ``autograd_widgets/_sampling.py``: multinomial uses topk.)

It sits on the autograd substrate (``autograd/node.py``, ``engine.py``, ...), which it
hands the ``Tensor`` type with ``bind_core``, and below the ops (``ops/``), which it
never imports. The torch-like names users see come from the package root
(``autograd_widgets.tensor`` is the factory, ``autograd_widgets.Tensor`` the class).
"""
