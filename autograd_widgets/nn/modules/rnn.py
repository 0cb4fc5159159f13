"""Recurrent layers: ``RNN``, ``LSTM``, ``GRU`` and their single-step ``*Cell`` versions.

Built from differentiable ops the way ATen's native (non-cuDNN) path computes them:
the input projection for all time steps at once, then per step
``gates = linear(h, w_hh, b_hh) + x_proj[t]``; the final states are stacked
(``StackBackward0``) and a ``batch_first`` output is transposed back
(``TransposeBackward0`` for LSTM, in place ``TransposeBackward1`` for RNN and GRU), so ``grad_fn`` at the top matches PyTorch's. Parameter
names, shapes, ``repr`` and initialisation (uniform(-1/sqrt(hidden), 1/sqrt(hidden)),
drawn in parameter order) are PyTorch's.
"""

from __future__ import annotations

import math
import numbers
import warnings

from ...core import _creation
from ...ops import shape as _shape
from .. import functional as F
from .. import init
from ..parameter import Parameter
from ..utils.rnn import PackedSequence
from .module import Module

__all__ = ["RNNBase", "RNN", "LSTM", "GRU", "RNNCellBase", "RNNCell", "LSTMCell", "GRUCell"]


def _lstm_cell(x_proj, h, c, w_hh, b_hh, w_hr=None):
    gates = F.linear(h, w_hh, b_hh) + x_proj
    i, f, g, o = gates.chunk(4, 1)
    i, f, g, o = i.sigmoid(), f.sigmoid(), g.tanh(), o.sigmoid()
    c = f * c + i * g
    h = o * c.tanh()
    if w_hr is not None:  # LSTM(proj_size=...): h is projected down, as ATen's matmul_hr
        h = h.matmul(w_hr.t())
    return h, c


def _gru_cell(x_proj, h, w_hh, b_hh):
    hh = F.linear(h, w_hh, b_hh)
    ir, iz, in_ = x_proj.chunk(3, 1)
    hr, hz, hn = hh.chunk(3, 1)
    r = (ir + hr).sigmoid()
    z = (iz + hz).sigmoid()
    n = (in_ + r * hn).tanh()
    return (h - n) * z + n


def _rnn_cell(x_proj, h, w_hh, b_hh, relu):
    pre = F.linear(h, w_hh, b_hh) + x_proj
    return pre.relu() if relu else pre.tanh()


def _check_rnn_args(input_size, hidden_size, num_layers, bias, batch_first, dropout, proj_size):
    """PyTorch's argument checks, in its order."""
    if (
        not isinstance(dropout, numbers.Number)
        or not 0 <= dropout <= 1
        or isinstance(dropout, bool)
    ):
        raise ValueError(
            "dropout should be a number in range [0, 1] representing the probability of an "
            "element being zeroed"
        )
    if dropout > 0 and num_layers == 1:
        warnings.warn(
            "dropout option adds dropout after all but last recurrent layer, so non-zero dropout "
            f"expects num_layers greater than 1, but got dropout={dropout} and "
            f"num_layers={num_layers}",
            stacklevel=4,
        )
    for name, value, kind in (("bias", bias, bool), ("batch_first", batch_first, bool)):
        if not isinstance(value, kind):
            raise TypeError(f"{name} should be of type bool, got: {type(value).__name__}")
    for name, value in (("input_size", input_size), ("hidden_size", hidden_size)):
        if not isinstance(value, int):
            raise TypeError(f"{name} should be of type int, got: {type(value).__name__}")
        if value <= 0:
            raise ValueError(f"{name} must be greater than zero")
    if num_layers <= 0:
        raise ValueError("num_layers must be greater than zero")
    if proj_size < 0:
        raise ValueError("proj_size should be a positive integer or zero to disable projections")
    if proj_size >= hidden_size:
        raise ValueError("proj_size has to be smaller than hidden_size")


_GATES = {"LSTM": 4, "GRU": 3, "RNN_TANH": 1, "RNN_RELU": 1}
# (name, "tensor ") in the error for an input neither 2-D nor 3-D: PyTorch's words differ
_INPUT_DIM_ERROR = {
    "LSTM": ("LSTM", ""),
    "GRU": ("GRU", ""),
    "RNN_TANH": ("RNN", "tensor "),
    "RNN_RELU": ("RNN", "tensor "),
}


def _check_state_dims(hx, batched, is_lstm) -> None:
    """A given ``hx`` (``(h, c)`` for an LSTM) is 3-D for a batch, 2-D for one sequence."""
    want, kind = (3, "batched 3-D") if batched else (2, "unbatched 2-D")
    if is_lstm:
        if hx[0].dim() != want or hx[1].dim() != want:
            raise RuntimeError(
                f"For {kind} input, hx and cx should also be {want}-D but got "
                f"({hx[0].dim()}-D, {hx[1].dim()}-D) tensors"
            )
    elif hx.dim() != want:
        raise RuntimeError(
            f"For {kind} input, hx should also be {want}-D but got {hx.dim()}-D tensor"
        )


class RNNBase(Module):
    """``torch.nn.RNNBase``: the parameters, checks and weight lists RNN, LSTM and GRU share.

    ``mode`` ("LSTM", "GRU", "RNN_TANH" or "RNN_RELU") sets the gate count. As in PyTorch it
    has no ``forward`` of its own; ``flatten_parameters`` is the no-op it is on CPU.
    """

    def __init__(
        self,
        mode,
        input_size,
        hidden_size,
        num_layers=1,
        bias=True,
        batch_first=False,
        dropout=0.0,
        bidirectional=False,
        proj_size=0,
        device=None,
        dtype=None,
    ) -> None:
        super().__init__()
        self.mode = mode
        self.input_size = input_size
        self.hidden_size = hidden_size
        self.num_layers = num_layers
        self.bias = bias
        self.batch_first = batch_first
        self.dropout = float(dropout)
        self.bidirectional = bidirectional
        self.proj_size = proj_size
        _check_rnn_args(input_size, hidden_size, num_layers, bias, batch_first, dropout, proj_size)
        if mode not in _GATES:
            raise ValueError("Unrecognized RNN mode: " + mode)
        num_directions = 2 if bidirectional else 1
        gate_size = _GATES[mode] * hidden_size
        self._flat_weights_names = []
        self._all_weights = []
        for layer in range(num_layers):
            for direction in range(num_directions):
                real_hidden = proj_size if proj_size > 0 else hidden_size
                layer_input = input_size if layer == 0 else real_hidden * num_directions
                suffix = "_reverse" if direction == 1 else ""
                names = [f"weight_ih_l{layer}{suffix}", f"weight_hh_l{layer}{suffix}"]
                shapes = [(gate_size, layer_input), (gate_size, real_hidden)]
                if bias:
                    names += [f"bias_ih_l{layer}{suffix}", f"bias_hh_l{layer}{suffix}"]
                    shapes += [(gate_size,), (gate_size,)]
                if proj_size > 0:
                    names.append(f"weight_hr_l{layer}{suffix}")
                    shapes.append((proj_size, hidden_size))
                for name, shp in zip(names, shapes):
                    setattr(self, name, Parameter(_creation.empty(*shp, dtype=dtype)))
                self._flat_weights_names.extend(names)
                self._all_weights.append(names)
        self._init_flat_weights()
        self.reset_parameters()

    def _init_flat_weights(self) -> None:
        self._flat_weights = [getattr(self, n, None) for n in self._flat_weights_names]
        self.flatten_parameters()

    def __setattr__(self, attr, value) -> None:
        names = self.__dict__.get("_flat_weights_names")
        if names is not None and attr in names and "_flat_weights" in self.__dict__:
            self._flat_weights[names.index(attr)] = value
        super().__setattr__(attr, value)

    def flatten_parameters(self) -> None:
        """A no-op: PyTorch only packs the weights for cuDNN."""

    def _apply(self, fn, recurse=True):
        ret = super()._apply(fn, recurse)
        self._init_flat_weights()
        return ret

    @property
    def all_weights(self) -> list:
        return [[getattr(self, w) for w in weights] for weights in self._all_weights]

    def reset_parameters(self) -> None:
        stdv = 1.0 / math.sqrt(self.hidden_size) if self.hidden_size > 0 else 0
        for weight in self.parameters():
            init.uniform_(weight, -stdv, stdv)

    def check_input(self, input, batch_sizes) -> None:
        if input.dtype != self._flat_weights[0].dtype:
            w = self._flat_weights[0].dtype
            raise ValueError(
                f"RNN input dtype ({input.dtype}) does not match weight dtype ({w}). "
                f"Convert input: input.to({w}), or convert model: model.to({input.dtype})"
            )
        expected = 2 if batch_sizes is not None else 3
        if input.dim() != expected:
            raise RuntimeError(f"input must have {expected} dimensions, got {input.dim()}")
        if self.input_size != input.size(-1):
            raise RuntimeError(
                "input.size(-1) must be equal to input_size. Expected "
                f"{self.input_size}, got {input.size(-1)}"
            )

    def get_expected_hidden_size(self, input, batch_sizes) -> tuple:
        if batch_sizes is not None:
            mini_batch = int(batch_sizes[0])
        else:
            mini_batch = input.size(0) if self.batch_first else input.size(1)
        num_directions = 2 if self.bidirectional else 1
        size = self.proj_size if self.proj_size > 0 else self.hidden_size
        return (self.num_layers * num_directions, mini_batch, size)

    def _zero_state(self, batch, dtype):
        """``hx`` when none is given: ``h`` is ``proj_size`` wide with projections, ``c`` not."""
        dirs = 2 if self.bidirectional else 1
        real_hidden = self.proj_size if self.proj_size > 0 else self.hidden_size
        h = _creation.zeros(self.num_layers * dirs, batch, real_hidden, dtype=dtype)
        if self.mode != "LSTM":
            return h
        if real_hidden == self.hidden_size:
            return h, h
        return h, _creation.zeros(self.num_layers * dirs, batch, self.hidden_size, dtype=dtype)

    def check_hidden_size(self, hx, expected_hidden_size, msg="Expected hidden size {}, got {}"):
        if hx.size() != expected_hidden_size:
            raise RuntimeError(msg.format(expected_hidden_size, list(hx.size())))

    def check_forward_args(self, input, hidden, batch_sizes) -> None:
        self.check_input(input, batch_sizes)
        self.check_hidden_size(hidden, self.get_expected_hidden_size(input, batch_sizes))

    def permute_hidden(self, hx, permutation):
        if permutation is None:
            return hx
        return hx.index_select(1, permutation)

    def extra_repr(self) -> str:
        s = f"{self.input_size}, {self.hidden_size}"
        if self.proj_size != 0:
            s += f", proj_size={self.proj_size}"
        if self.num_layers != 1:
            s += f", num_layers={self.num_layers}"
        if self.bias is not True:
            s += f", bias={self.bias}"
        if self.batch_first is not False:
            s += f", batch_first={self.batch_first}"
        if self.dropout != 0:
            s += f", dropout={self.dropout}"
        if self.bidirectional is not False:
            s += f", bidirectional={self.bidirectional}"
        return s

    def _weights(self, layer, direction):
        suffix = "_reverse" if direction == 1 else ""
        get = lambda n: getattr(self, f"{n}_l{layer}{suffix}", None)  # noqa: E731
        return get("weight_ih"), get("weight_hh"), get("bias_ih"), get("bias_hh"), get("weight_hr")

    def _cell(self, x_proj, h, c, w_hh, b_hh, w_hr=None):
        """One step of the layer: ``(h, c)`` for an LSTM, ``(h, None)`` otherwise."""
        if self.mode == "LSTM":
            return _lstm_cell(x_proj, h, c, w_hh, b_hh, w_hr)
        if self.mode == "GRU":
            return _gru_cell(x_proj, h, w_hh, b_hh), None
        return _rnn_cell(x_proj, h, w_hh, b_hh, self.mode == "RNN_RELU"), None

    def _run_packed(self, data, batch_sizes, h0, c0):
        """The layers over a packed batch: at step ``t`` only the first ``batch_sizes[t]``
        sequences (the batch is sorted by length) run; the others keep their state."""
        is_lstm = self.mode == "LSTM"
        sizes = [int(n) for n in batch_sizes._data]
        starts = [0]
        for n in sizes:
            starts.append(starts[-1] + n)
        dirs = 2 if self.bidirectional else 1
        layer_input, h_n, c_n = data, [], []
        for layer in range(self.num_layers):
            outs = []
            for direction in range(dirs):
                w_ih, w_hh, b_ih, b_hh, w_hr = self._weights(layer, direction)
                idx = layer * dirs + direction
                x_proj = F.linear(layer_input, w_ih, b_ih)
                seq = [None] * len(sizes)
                if direction == 0:
                    h, c = h0[idx], (c0[idx] if is_lstm else None)
                    for t, n in enumerate(sizes):
                        xp = x_proj[starts[t] : starts[t] + n]
                        done = n < h.shape[0]  # finished sequences keep their last state
                        new_h, new_c = self._cell(
                            xp,
                            h[:n] if done else h,
                            c[:n] if done and is_lstm else c,
                            w_hh,
                            b_hh,
                            w_hr,
                        )
                        if is_lstm:
                            c = _shape.cat([new_c, c[n:]], 0) if done else new_c
                        h = _shape.cat([new_h, h[n:]], 0) if done else new_h
                        seq[t] = new_h
                else:
                    full_h = h0[idx]
                    full_c = c0[idx] if is_lstm else None
                    h = c = None
                    for t in range(len(sizes) - 1, -1, -1):
                        n = sizes[t]
                        if h is None:  # the longest sequences' last steps start the pass
                            h = full_h[:n]
                            c = full_c[:n] if is_lstm else None
                        elif n > h.shape[0]:  # sequences that end here join with h0
                            h = _shape.cat([h, full_h[h.shape[0] : n]], 0)
                            if is_lstm:
                                c = _shape.cat([c, full_c[c.shape[0] : n]], 0)
                        h, c = self._cell(x_proj[starts[t] : starts[t] + n], h, c, w_hh, b_hh, w_hr)
                        seq[t] = h
                outs.append(_shape.cat(seq, 0))
                h_n.append(h)
                if is_lstm:
                    c_n.append(c)
            layer_input = outs[0] if dirs == 1 else _shape.cat(outs, 1)
            if self.dropout and self.training and layer < self.num_layers - 1:
                layer_input = F.dropout(layer_input, self.dropout, True)
        return layer_input, h_n, c_n

    def _forward_packed(self, input, hx):
        is_lstm = self.mode == "LSTM"
        data, batch_sizes, sorted_indices, unsorted_indices = input
        if data.shape[-1] != self.input_size:
            raise RuntimeError(
                f"input.size(-1) must be equal to input_size. Expected {self.input_size}, "
                f"got {data.shape[-1]}"
            )
        batch = int(batch_sizes._data[0])
        if hx is None:
            hx = self._zero_state(batch, data.dtype)
        elif sorted_indices is not None:  # the caller's states are in the batch's own order
            hx = (
                tuple(h.index_select(1, sorted_indices) for h in hx)
                if is_lstm
                else hx.index_select(1, sorted_indices)
            )
        h0 = hx[0] if is_lstm else hx
        c0 = hx[1] if is_lstm else None
        out, h_n, c_n = self._run_packed(data, batch_sizes, h0, c0)
        h_n = _shape.stack(h_n, 0)
        c_n = _shape.stack(c_n, 0) if is_lstm else None
        if unsorted_indices is not None:
            h_n = h_n.index_select(1, unsorted_indices)
            c_n = c_n.index_select(1, unsorted_indices) if is_lstm else None
        output = PackedSequence(out, batch_sizes, sorted_indices, unsorted_indices)
        return (output, (h_n, c_n)) if is_lstm else (output, h_n)

    def _forward(self, input, hx=None):
        if isinstance(input, PackedSequence):
            return self._forward_packed(input, hx)
        is_lstm = self.mode == "LSTM"
        batched = input.dim() == 3
        if input.dim() not in (2, 3):
            name, what = _INPUT_DIM_ERROR[self.mode]
            raise ValueError(
                f"{name}: Expected input to be 2D or 3D, got {input.dim()}D {what}instead"
            )
        # PyTorch's checks, on the input in the module's own layout
        batch_dim = 0 if self.batch_first else 1
        if not batched:
            input = input.unsqueeze(batch_dim)
        if hx is not None:
            _check_state_dims(hx, batched, is_lstm)
            if not batched:
                hx = tuple(h.unsqueeze(1) for h in hx) if is_lstm else hx.unsqueeze(1)
        else:
            hx = self._zero_state(input.shape[batch_dim], input.dtype)
        self.check_forward_args(input, hx, None)
        if self.batch_first:
            input = input.transpose(0, 1)
        steps = input.shape[0]
        dirs = 2 if self.bidirectional else 1
        h0 = hx[0] if is_lstm else hx
        c0 = hx[1] if is_lstm else None
        layer_input = input
        h_n, c_n = [], []
        for layer in range(self.num_layers):
            outs = []
            for direction in range(dirs):
                w_ih, w_hh, b_ih, b_hh, w_hr = self._weights(layer, direction)
                idx = layer * dirs + direction
                h = h0[idx]
                c = c0[idx] if is_lstm else None
                x_proj = F.linear(layer_input, w_ih, b_ih)
                order = range(steps - 1, -1, -1) if direction == 1 else range(steps)
                seq = [None] * steps
                for t in order:
                    h, c = self._cell(x_proj[t], h, c, w_hh, b_hh, w_hr)
                    seq[t] = h
                outs.append(_shape.stack(seq, 0))
                h_n.append(h)
                if is_lstm:
                    c_n.append(c)
            layer_input = outs[0] if dirs == 1 else _shape.cat(outs, 2)
            if self.dropout and self.training and layer < self.num_layers - 1:
                layer_input = F.dropout(layer_input, self.dropout, True)
        output = layer_input
        h_n = _shape.stack(h_n, 0)
        if is_lstm:
            c_n = _shape.stack(c_n, 0)
        if not batched:
            output = output.squeeze(1)
            h_n = h_n.squeeze(1)
            c_n = c_n.squeeze(1) if is_lstm else None
        elif self.batch_first:
            # ATen transposes RNN and GRU outputs in place (TransposeBackward1), LSTM's not
            output = output.transpose(0, 1) if is_lstm else output.transpose_(0, 1)
        return (output, (h_n, c_n)) if is_lstm else (output, h_n)


class RNN(RNNBase):
    """``torch.nn.RNN``: Elman RNN with ``tanh`` (or ``relu``) non-linearity."""

    def __init__(self, *args, **kwargs) -> None:
        if "proj_size" in kwargs:
            raise ValueError("proj_size argument is only supported for LSTM, not RNN or GRU")
        # torch.nn.RNN(input_size, hidden_size, num_layers, nonlinearity, bias, ...)
        if len(args) > 3:
            nonlinearity = args[3]
            args = args[:3] + args[4:]
        else:
            nonlinearity = kwargs.pop("nonlinearity", "tanh")
        if nonlinearity not in ("tanh", "relu"):
            raise ValueError(
                f"Unknown nonlinearity '{nonlinearity}'. Select from 'tanh' or 'relu'."
            )
        self.nonlinearity = nonlinearity
        super().__init__("RNN_TANH" if nonlinearity == "tanh" else "RNN_RELU", *args, **kwargs)

    forward = RNNBase._forward


class LSTM(RNNBase):
    """``torch.nn.LSTM``: returns ``output, (h_n, c_n)``."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__("LSTM", *args, **kwargs)

    forward = RNNBase._forward

    def get_expected_cell_size(self, input, batch_sizes) -> tuple:
        if batch_sizes is not None:
            mini_batch = int(batch_sizes[0])
        else:
            mini_batch = input.size(0) if self.batch_first else input.size(1)
        num_directions = 2 if self.bidirectional else 1
        return (self.num_layers * num_directions, mini_batch, self.hidden_size)

    def check_forward_args(self, input, hidden, batch_sizes) -> None:
        self.check_input(input, batch_sizes)
        for i, expected in enumerate(
            (
                self.get_expected_hidden_size(input, batch_sizes),
                self.get_expected_cell_size(input, batch_sizes),
            )
        ):
            self.check_hidden_size(hidden[i], expected, f"Expected hidden[{i}] size {{}}, got {{}}")

    def permute_hidden(self, hx, permutation):
        if permutation is None:
            return hx
        return hx[0].index_select(1, permutation), hx[1].index_select(1, permutation)


class GRU(RNNBase):
    """``torch.nn.GRU``: returns ``output, h_n``."""

    def __init__(self, *args, **kwargs) -> None:
        if "proj_size" in kwargs:
            raise ValueError("proj_size argument is only supported for LSTM, not RNN or GRU")
        super().__init__("GRU", *args, **kwargs)

    forward = RNNBase._forward


class RNNCellBase(Module):
    """``torch.nn.RNNCellBase``: the parameters of a one-step cell with ``num_chunks`` gates."""

    def __init__(self, input_size, hidden_size, bias, num_chunks, device=None, dtype=None) -> None:
        super().__init__()
        self.input_size = input_size
        self.hidden_size = hidden_size
        self.bias = bias
        g = num_chunks * hidden_size
        self.weight_ih = Parameter(_creation.empty(g, input_size, dtype=dtype))
        self.weight_hh = Parameter(_creation.empty(g, hidden_size, dtype=dtype))
        if bias:
            self.bias_ih = Parameter(_creation.empty(g, dtype=dtype))
            self.bias_hh = Parameter(_creation.empty(g, dtype=dtype))
        else:
            self.register_parameter("bias_ih", None)
            self.register_parameter("bias_hh", None)
        self.reset_parameters()

    def reset_parameters(self) -> None:
        stdv = 1.0 / math.sqrt(self.hidden_size) if self.hidden_size > 0 else 0
        for weight in self.parameters():
            init.uniform_(weight, -stdv, stdv)

    def extra_repr(self) -> str:
        s = f"{self.input_size}, {self.hidden_size}"
        if self.bias is not True:
            s += f", bias={self.bias}"
        if self.__dict__.get("nonlinearity", "tanh") != "tanh":
            s += f", nonlinearity={self.nonlinearity}"
        return s

    def _prepare(self, input, hx, n_states):
        batched = input.dim() == 2
        if not batched:
            input = input.unsqueeze(0)
        if hx is None:
            z = _creation.zeros(input.shape[0], self.hidden_size, dtype=input.dtype)
            hx = (z, z) if n_states == 2 else z
        elif not batched:
            hx = tuple(h.unsqueeze(0) for h in hx) if n_states == 2 else hx.unsqueeze(0)
        return input, hx, batched


class RNNCell(RNNCellBase):
    def __init__(self, input_size, hidden_size, bias=True, nonlinearity="tanh", **kw) -> None:
        super().__init__(input_size, hidden_size, bias, 1, **kw)
        self.nonlinearity = nonlinearity

    def forward(self, input, hx=None):
        input, hx, batched = self._prepare(input, hx, 1)
        x_proj = F.linear(input, self.weight_ih, self.bias_ih)
        h = _rnn_cell(x_proj, hx, self.weight_hh, self.bias_hh, self.nonlinearity == "relu")
        return h if batched else h.squeeze(0)


class LSTMCell(RNNCellBase):
    def __init__(self, input_size, hidden_size, bias=True, device=None, dtype=None) -> None:
        super().__init__(input_size, hidden_size, bias, 4, device, dtype)

    def forward(self, input, hx=None):
        input, (h, c), batched = self._prepare(input, hx, 2)
        x_proj = F.linear(input, self.weight_ih, self.bias_ih)
        h, c = _lstm_cell(x_proj, h, c, self.weight_hh, self.bias_hh)
        return (h, c) if batched else (h.squeeze(0), c.squeeze(0))


class GRUCell(RNNCellBase):
    def __init__(self, input_size, hidden_size, bias=True, device=None, dtype=None) -> None:
        super().__init__(input_size, hidden_size, bias, 3, device, dtype)

    def forward(self, input, hx=None):
        input, hx, batched = self._prepare(input, hx, 1)
        x_proj = F.linear(input, self.weight_ih, self.bias_ih)
        h = _gru_cell(x_proj, hx, self.weight_hh, self.bias_hh)
        return h if batched else h.squeeze(0)
