"""numpy values handed to torch.tensor: numpy scalars keep their dtype, and sequences
mixing them with Python numbers promote as PyTorch does (real programs build tensors from
numpy arrays' elements: ``torch.tensor(labels[i])``, ``torch.tensor([x.mean(), 1.0])``)."""

import numpy as np
import pytest

import autograd_widgets as aw

torch = pytest.importorskip("torch")

CASES = [
    np.int32(3),
    np.int16(3),
    np.int8(-3),
    np.uint8(3),
    np.int64(3),
    np.bool_(True),
    np.float16(1.5),
    np.float32(1.5),
    np.float64(1.5),
    2.5,
    3,
    True,
    [np.int32(1), np.int32(2)],
    [np.int32(1), 2],
    [[np.int16(1)], [np.int16(2)]],
    [np.uint8(1), np.int8(2)],
    [np.float64(1.0)],
    [np.float32(1.0), 2.0],
    [np.float16(1.0), 2],
    [np.float16(1.0), 2.0],
    [np.float16(1.0), np.float32(2.0)],
    [np.int32(1), 2.5],
    [[1.0, np.float64(2.0)], [3, 4]],
    (np.int32(1), np.float32(2.0)),
    [np.float32(1.0), True],
    [1, 2.5],
    [True, 2.0],
    [np.array([1.0, 2.0], np.float32), np.array([3.0, 4.0], np.float32)],
]


@pytest.mark.parametrize("data", CASES, ids=repr)
def test_tensor_infers_the_dtype_pytorch_does(data):
    ours, theirs = aw.tensor(data), torch.tensor(data)
    assert str(ours.dtype) == str(theirs.dtype)
    np.testing.assert_array_equal(ours.numpy(), theirs.numpy())


@pytest.mark.parametrize("default", ["float64", "float16"])
def test_python_floats_follow_the_default_dtype_beside_numpy_scalars(default):
    data = [np.float16(1.0), 2.0]
    for lib in (aw, torch):
        lib.set_default_dtype(getattr(lib, default))
    try:
        assert str(aw.tensor(data).dtype) == str(torch.tensor(data).dtype)
        assert str(aw.tensor([1, 2.0]).dtype) == str(torch.tensor([1, 2.0]).dtype)
    finally:
        aw.set_default_dtype(aw.float32)
        torch.set_default_dtype(torch.float32)


def test_pow_with_an_array_exponent():
    # (It raised "The truth value of an array ... is ambiguous".) An ndarray operand counts
    # as a tensor here, as in add/mul; PyTorch computes the no-grad case in numpy.
    e = np.array([2.0, 3.0])
    np.testing.assert_allclose((aw.tensor([1.5, 2.0]) ** e).numpy(), torch.tensor([1.5, 2.0]) ** e)
    w = aw.tensor([1.5, 2.0], requires_grad=True)
    (w**e).sum().backward()
    tw = torch.tensor([1.5, 2.0], requires_grad=True)
    (tw ** torch.from_numpy(e)).sum().backward()
    np.testing.assert_allclose(w.grad.numpy(), tw.grad.numpy())
    assert type((w**e).grad_fn).__name__ == "PowBackward1"
