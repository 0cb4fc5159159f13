"""Every error a learner is likely to hit: same exception type and exact message as PyTorch.

Each case is ``fn(m)`` that must raise; it runs on torch and on autograd_widgets and
the two ``(type(e).__name__, str(e))`` pairs must be equal.
"""

from __future__ import annotations

import warnings

import pytest

import autograd_widgets as aw
from tests._oracle import require_torch

ERRORS = {}


def error(fn):
    ERRORS[fn.__name__] = fn
    return fn


def leaf(m, *shape):
    return m.ones(*shape, requires_grad=True)


# --- autograd --------------------------------------------------------------------------------
@error
def backward_twice(m):
    x = leaf(m, 3)
    y = (x * x).sum()
    y.backward()
    y.backward()


@error
def backward_twice_through_exp(m):
    x = leaf(m, 3)
    y = x.exp().sum()
    y.backward()
    y.backward()


@error
def access_saved_after_free(m):
    x = leaf(m, 3)
    y = x * x
    y.sum().backward()
    return y.grad_fn._saved_self


@error
def non_scalar_backward(m):
    x = leaf(m, 3)
    (x * 2).backward()


@error
def nothing_requires_grad(m):
    m.ones(3).sum().backward()


@error
def integer_output_backward(m):
    m.ones(3, dtype=m.int64).sum().backward()


@error
def inplace_on_leaf(m):
    x = leaf(m, 3)
    x.add_(1)


@error
def inplace_on_view_of_leaf(m):
    x = leaf(m, 3)
    x[0].mul_(2)


@error
def setitem_on_leaf(m):
    x = leaf(m, 3)
    x[0] = 5.0


@error
def saved_tensor_modified(m):
    x = leaf(m, 3)
    y = x.exp()
    y.add_(1)
    y.sum().backward()


@error
def saved_input_modified(m):
    x = leaf(m, 3)
    h = x * 2
    y = h.sin()
    h.mul_(3)
    y.sum().backward()


@error
def numpy_requires_grad(m):
    leaf(m, 2).numpy()


@error
def integer_requires_grad(m):
    m.tensor([1, 2, 3], requires_grad=True)


@error
def integer_requires_grad_setter(m):
    m.tensor([1, 2, 3]).requires_grad_()


@error
def requires_grad_on_non_leaf(m):
    y = leaf(m, 2) * 2
    y.requires_grad = False


@error
def wrong_shape_gradient(m):
    x = leaf(m, 3)
    (x * 2).backward(m.ones(2))


@error
def unused_input_in_grad(m):
    x, w = leaf(m, 3), leaf(m, 3)
    m.autograd.grad((x * 2).sum(), [x, w])


@error
def grad_input_not_requiring_grad(m):
    x = leaf(m, 3)
    m.autograd.grad((x * 2).sum(), [m.ones(3)])


@error
def hook_on_no_grad_tensor(m):
    m.ones(3).register_hook(lambda g: g)


@error
def retain_grad_on_no_grad_tensor(m):
    m.ones(3).retain_grad()


@error
def grad_assign_wrong_shape(m):
    x = leaf(m, 3)
    x.grad = m.ones(2)


@error
def backward_inputs_empty(m):
    x = leaf(m, 3)
    (x * 2).sum().backward(inputs=[])


# --- shapes and values ------------------------------------------------------------------------
@error
def broadcast_mismatch(m):
    return m.ones(2, 3) + m.ones(4)


@error
def broadcast_mismatch_mul(m):
    return m.ones(5, 3) * m.ones(2, 3)


@error
def matmul_mismatch(m):
    return m.ones(2, 3) @ m.ones(4, 5)


@error
def matmul_vector_mismatch(m):
    return m.ones(2, 3) @ m.ones(4)


@error
def matmul_0d(m):
    return m.matmul(m.tensor(1.0), m.ones(3))


@error
def mm_not_matrix(m):
    return m.mm(m.ones(3), m.ones(3, 2))


@error
def bmm_mismatch(m):
    return m.bmm(m.ones(2, 3, 4), m.ones(2, 5, 6))


@error
def dot_mismatch(m):
    return m.dot(m.ones(3), m.ones(4))


@error
def dot_2d(m):
    return m.dot(m.ones(3, 1), m.ones(3))


@error
def view_invalid_shape(m):
    return m.ones(2, 3).view(4, 2)


@error
def view_two_inferred(m):
    return m.ones(2, 3).view(-1, -1)


@error
def view_non_contiguous(m):
    return m.ones(2, 3).t().view(6)


@error
def reshape_invalid(m):
    return m.ones(2, 3).reshape(5)


@error
def item_many_elements(m):
    return m.ones(3).item()


@error
def bool_of_many_elements(m):
    return bool(m.ones(3))


@error
def dim_out_of_range(m):
    return m.ones(2, 3).sum(2)


@error
def softmax_dim_out_of_range(m):
    return m.ones(2, 3).softmax(-3)


@error
def index_out_of_range(m):
    return m.ones(2, 3)[2]


@error
def index_out_of_range_dim1(m):
    return m.ones(2, 3)[:, 5]


@error
def too_many_indices(m):
    return m.ones(2, 3)[0, 0, 0]


@error
def float_index(m):
    return m.ones(3)[m.tensor([0.0, 1.0])]


@error
def cat_size_mismatch(m):
    return m.cat([m.ones(2, 3), m.ones(2, 4)])


@error
def cat_dim_count_mismatch(m):
    return m.cat([m.ones(2, 3), m.ones(3)])


@error
def stack_size_mismatch(m):
    return m.stack([m.ones(2, 3), m.ones(3, 2)])


@error
def expand_invalid(m):
    return m.ones(2, 3).expand(4, 3)


@error
def permute_wrong_length(m):
    return m.ones(2, 3).permute(0)


@error
def t_3d(m):
    return m.ones(2, 3, 4).t()


@error
def bool_subtraction(m):
    return m.tensor([True]) - m.tensor([False])


@error
def int_negative_power(m):
    return m.tensor([2, 3]) ** -1


@error
def mean_of_int(m):
    return m.tensor([1, 2, 3]).mean()


@error
def max_empty(m):
    return m.ones(0).max()


@error
def gather_wrong_index_dtype(m):
    return m.ones(2, 3).gather(1, m.tensor([[0.0, 1.0]]))


@error
def masked_fill_non_bool(m):
    return m.ones(3).masked_fill(m.tensor([1, 0, 1]), 0.0)


@error
def where_non_bool(m):
    return m.where(m.tensor([1, 0]), m.ones(2), m.zeros(2))


@error
def clamp_no_bounds(m):
    return m.ones(3).clamp()


@error
def split_zero(m):
    return m.ones(4).split(0)


@error
def chunk_zero(m):
    return m.ones(4).chunk(0)


@error
def unbind_0d(m):
    return m.tensor(1.0).unbind()


@error
def len_of_0d(m):
    return len(m.tensor(1.0))


@error
def float_of_many(m):
    return float(m.ones(2))


@error
def function_wrong_number_of_grads(m):
    class F(m.autograd.Function):
        @staticmethod
        def forward(ctx, x, y):
            return x * y

        @staticmethod
        def backward(ctx, grad):
            return (grad,)

    F.apply(leaf(m, 2), leaf(m, 2)).sum().backward()


@error
def function_grad_for_non_tensor(m):
    class F(m.autograd.Function):
        @staticmethod
        def forward(ctx, x, k):
            return x * k

        @staticmethod
        def backward(ctx, grad):
            return grad, grad

    F.apply(leaf(m, 2), 2.0).sum().backward()


@error
def function_wrong_grad_shape(m):
    class F(m.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            return x * 2

        @staticmethod
        def backward(ctx, grad):
            return m.ones(5)

    F.apply(leaf(m, 2)).sum().backward()


@error
def function_save_non_tensor(m):
    class F(m.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            ctx.save_for_backward(x, 3)
            return x * 2

        @staticmethod
        def backward(ctx, grad):
            return grad

    F.apply(leaf(m, 2))


@error
def function_forward_not_implemented(m):
    class F(m.autograd.Function):
        pass

    F.apply(leaf(m, 2))


@error
def hessian_non_scalar(m):
    m.autograd.functional.hessian(lambda t: t * 2, m.ones(2))


@error
def gradcheck_no_requires_grad(m):
    m.autograd.gradcheck(lambda t: t * 2, (m.ones(2, dtype=m.float64),))


@error
def factory_out_requires_grad(m):
    m.zeros(2, out=leaf(m, 2))


@error
def linalg_cross_not_three(m):
    m.linalg.cross(m.ones(2, 4), m.ones(2, 4))


@error
def linalg_cross_ndim(m):
    m.linalg.cross(m.ones(2, 3), m.ones(3))


@error
def cross_no_size_three(m):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        m.cross(m.ones(2, 4), m.ones(2, 4))


@error
def svd_of_vector(m):
    m.linalg.svd(m.ones(3))


@error
def int_floor_divide_by_zero(m):
    m.tensor([3, 4]) // m.tensor([1, 0])


@error
def int_remainder_by_zero_scalar(m):
    m.tensor([3, 4], dtype=m.uint8) % 0


@error
def int_fmod_by_zero(m):
    m.tensor([3, 4], dtype=m.int32).fmod(0)


@error
def int_div_trunc_by_zero(m):
    m.div(m.tensor([3, 4]), 0, rounding_mode="trunc")


@error
def bool_floor_divide(m):
    m.tensor([True]) // m.tensor([True])


@error
def bool_remainder(m):
    m.tensor([True]) % m.tensor([True])


@error
def var_of_int(m):
    m.tensor([1, 2, 3]).var()


@error
def std_mean_of_bool(m):
    m.std_mean(m.tensor([True, False]))


@error
def argmax_of_bool(m):
    m.tensor([True, False]).argmax()


@error
def softmax_of_int_lastdim(m):
    m.tensor([[1, 2]]).softmax(-1)


@error
def log_softmax_of_int(m):
    m.tensor([[1, 2]], dtype=m.uint8).log_softmax(0)


@error
def bitwise_and_of_half(m):
    m.ones(2, dtype=m.float16) & 1


@error
def invert_float(m):
    ~m.ones(2)


@error
def clamp_tensor_and_number(m):
    m.clamp(m.ones(2), m.zeros(2), 2.0)


@error
def clamp_number_and_tensor(m):
    m.clamp(m.ones(2), 0, m.ones(2))


@error
def hypot_number(m):
    m.hypot(m.ones(2), 2)


@error
def fmax_number(m):
    m.fmax(m.ones(2), 2.0)


@error
def int_inplace_add_float(m):
    x = m.tensor([1, 2])
    x += 1.5


@error
def int_inplace_sub_float_0d_tensor(m):
    m.tensor([1, 2]).sub_(m.tensor(0.5, dtype=m.float64))


@error
def bool_view_inplace_mul_float(m):
    m.tensor([True, False]).flatten().mul_(m.tensor(-2.5))


@error
def bool_inplace_add_int(m):
    m.tensor([True]).add_(1)


@error
def int_exp_inplace(m):
    m.tensor([1, 2]).exp_()


@error
def abs_of_bool(m):
    m.tensor([True]).abs()


@error
def floor_of_bool(m):
    m.tensor([True]).floor()


@error
def frac_of_int(m):
    m.tensor([1, 2]).frac()


@error
def neg_of_bool(m):
    -m.tensor([True])


@error
def relu_of_bool(m):
    m.tensor([True]).relu()


@error
def logsigmoid_of_integers(m):
    m.nn.functional.logsigmoid(m.tensor([1, 2]))


@error
def nll_loss_float_target(m):
    m.nn.functional.nll_loss(m.zeros(2, 3), m.zeros(2))


@error
def batch_norm_mixed_float_dtypes(m):
    x = m.ones(4, 3, 2, dtype=m.float64)
    w = m.ones(3, dtype=m.float64)
    m.nn.functional.batch_norm(x, m.zeros(3), m.ones(3), w, w, training=True)


@error
def saved_output_of_an_overload_modified_in_place(m):
    # PyTorch names PowBackward1's output "Pow1" (only Backward0 is dropped)
    x = leaf(m, 2)
    y = m.pow(x, x)
    z = y.exp()
    y.mul_(2)
    z.sum().backward()


@error
def linear_float64_input_float32_layer(m):
    m.nn.functional.linear(m.ones(2, 2, dtype=m.float64), m.ones(3, 2), m.ones(3))


@error
def addmm_integer_bias(m):
    m.addmm(m.ones(3, dtype=m.int64), m.ones(2, 2), m.ones(2, 3))


@error
def selu_of_integers(m):
    m.nn.functional.selu(m.ones(2, dtype=m.int64))


@error
def hardswish_of_integers(m):
    m.nn.functional.hardswish(m.ones(2, dtype=m.int64))


@error
def hardshrink_of_integers(m):
    m.nn.functional.hardshrink(m.ones(2, dtype=m.int64))


@error
def celu_alpha_zero(m):
    m.nn.functional.celu(m.ones(2), 0.0)


@error
def softshrink_negative_lambda(m):
    m.nn.functional.softshrink(m.ones(2, dtype=m.float64), -1)


@error
def rms_norm_wrong_shape(m):
    m.nn.RMSNorm(3)(m.ones(2, 4))


@error
def rms_norm_wrong_shape_2d(m):
    m.nn.functional.rms_norm(m.ones(2, 4, 5), [2, 3])


@error
def rms_norm_too_few_dims(m):
    m.nn.functional.rms_norm(m.ones(4), [2, 4])


@error
def nanmean_of_integers(m):
    m.nanmean(m.ones(2, dtype=m.int64))


@error
def logaddexp_of_integers(m):
    m.logaddexp(m.ones(2, dtype=m.int64), m.ones(2, dtype=m.int64))


@error
def logaddexp_number_other(m):
    m.logaddexp(m.ones(2), 1.0)


@error
def aminmax_of_empty(m):
    m.aminmax(m.ones(0))


@error
def aminmax_over_empty_dim(m):
    m.aminmax(m.ones(2, 0), dim=1)


# --- splits, combinations, index sets -------------------------------------------------------
@error
def hsplit_not_divisible(m):
    m.hsplit(m.ones(4, 6), 4)


@error
def hsplit_zero_dim(m):
    m.hsplit(m.tensor(1.0), 2)


@error
def vsplit_one_dim(m):
    m.ones(4).vsplit(2)


@error
def dsplit_not_divisible(m):
    m.dsplit(m.ones(4, 3, 3), 2)


@error
def combinations_of_a_matrix(m):
    m.combinations(m.ones(2, 2))


@error
def combinations_negative_r(m):
    m.combinations(m.ones(3), -1)


@error
def tril_indices_negative_row(m):
    m.tril_indices(-1, 3)


@error
def cummax_dim_out_of_range(m):
    m.cummax(m.ones(2, 3), 2)


@pytest.mark.parametrize("name", sorted(ERRORS))
def test_error_matches_torch(name):
    torch = require_torch()

    def outcome(m):
        try:
            ERRORS[name](m)
        except Exception as e:  # noqa: BLE001 - comparing the error is the point
            return type(e).__name__, str(e)
        return None

    want = outcome(torch)
    assert want is not None, "torch did not raise: the case is wrong"
    assert outcome(aw) == want


def _warning_texts(m):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        x = m.ones(2, requires_grad=True)
        y = x * 2
        _ = y.grad
        m.autograd.gradcheck(
            lambda t: t * 2, (m.ones(2, requires_grad=True),), raise_exception=False
        )
    return [(w.category.__name__, str(w.message)) for w in caught]


def test_warnings_match_torch():
    torch = require_torch()
    want = _warning_texts(torch)
    got = _warning_texts(aw)
    # torch's text names a C++ file and line of its own build; compare the sentence before it.
    assert [(c, t.split(" (Triggered")[0]) for c, t in got] == [
        (c, t.split(" (Triggered")[0]) for c, t in want
    ]
