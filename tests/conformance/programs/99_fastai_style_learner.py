# Imitates a fastai-style "build the Learner from scratch" notebook (course part 2 genre):
# a DataLoaders pair, Callback classes with order and event methods dispatched by getattr,
# CancelFitException/CancelBatchException/CancelEpochException control flow, a Metric class
# accumulating weighted means, a Recorder of lrs and losses, an LR-finder callback that stops
# on divergence, with_cbs decorators, and torch.save/torch.load of state_dicts into io.BytesIO.
import io
import math
from copy import copy
from functools import partial
from operator import attrgetter

import torch
import torch.nn.functional as F
from torch import nn, optim
from torch.utils.data import DataLoader, TensorDataset


class CancelFitException(Exception):
    pass


class CancelBatchException(Exception):
    pass


class CancelEpochException(Exception):
    pass


class Callback:
    order = 0


def run_cbs(cbs, method_nm, learn=None):
    for cb in sorted(cbs, key=attrgetter("order")):
        method = getattr(cb, method_nm, None)
        if method is not None:
            method(learn)


class DataLoaders:
    def __init__(self, *dls):
        self.train, self.valid = dls[:2]

    @classmethod
    def from_dd(cls, dds, batch_size, as_tuple=True, **kwargs):
        return cls(*[DataLoader(ds, batch_size, **kwargs) for ds in dds])


class Metric:
    def __init__(self):
        self.reset()

    def reset(self):
        self.vals, self.ns = [], []

    def add(self, inp, targ=None, n=1):
        self.last = self.calc(inp, targ)
        self.vals.append(self.last)
        self.ns.append(n)

    @property
    def value(self):
        ns = torch.tensor(self.ns)
        return (torch.tensor(self.vals) * ns).sum() / ns.sum()

    def calc(self, inps, targs):
        return inps


class Accuracy(Metric):
    def calc(self, inps, targs):
        return (inps == targs).float().mean()


class with_cbs:
    def __init__(self, nm):
        self.nm = nm

    def __call__(self, f):
        def _f(o, *args, **kwargs):
            try:
                o.callback(f"before_{self.nm}")
                f(o, *args, **kwargs)
                o.callback(f"after_{self.nm}")
            except globals()[f"Cancel{self.nm.title()}Exception"]:
                pass
            finally:
                o.callback(f"cleanup_{self.nm}")

        return _f


class Learner:
    def __init__(self, model, dls, loss_func=F.mse_loss, lr=0.1, cbs=None, opt_func=optim.SGD):
        cbs = list(cbs or [])
        self.model, self.dls, self.loss_func, self.lr, self.cbs, self.opt_func = model, dls, loss_func, lr, cbs, opt_func

    @with_cbs("batch")
    def _one_batch(self):
        self.predict()
        self.callback("after_predict")
        self.get_loss()
        self.callback("after_loss")
        if self.training:
            self.backward()
            self.callback("after_backward")
            self.step()
            self.callback("after_step")
            self.zero_grad()

    @with_cbs("epoch")
    def _one_epoch(self):
        for self.iter, self.batch in enumerate(self.dl):
            self._one_batch()

    def one_epoch(self, training):
        self.model.train(training)
        self.dl = self.dls.train if training else self.dls.valid
        self._one_epoch()

    @with_cbs("fit")
    def _fit(self, train, valid):
        for self.epoch in self.epochs:
            if train:
                self.one_epoch(True)
            if valid:
                torch.no_grad()(self.one_epoch)(False)

    def fit(self, n_epochs=1, train=True, valid=True, cbs=None, lr=None):
        cbs = list(cbs or [])
        for cb in cbs:
            self.cbs.append(cb)
        try:
            self.n_epochs = n_epochs
            self.epochs = range(n_epochs)
            if lr is None:
                lr = self.lr
            if self.opt_func:
                self.opt = self.opt_func(self.model.parameters(), lr)
            self._fit(train, valid)
        finally:
            for cb in cbs:
                self.cbs.remove(cb)

    def __getattr__(self, name):
        if name in ("predict", "get_loss", "backward", "step", "zero_grad"):
            return partial(self.callback, name)
        raise AttributeError(name)

    def callback(self, method_nm):
        run_cbs(self.cbs, method_nm, self)

    @property
    def training(self):
        return self.model.training


class TrainCB(Callback):
    def predict(self, learn):
        learn.preds = learn.model(learn.batch[0])

    def get_loss(self, learn):
        learn.loss = learn.loss_func(learn.preds, learn.batch[1])

    def backward(self, learn):
        learn.loss.backward()

    def step(self, learn):
        learn.opt.step()

    def zero_grad(self, learn):
        learn.opt.zero_grad()


class MetricsCB(Callback):
    def __init__(self, *ms, **metrics):
        for o in ms:
            metrics[type(o).__name__] = o
        self.metrics = metrics
        self.all_metrics = copy(metrics)
        self.all_metrics["loss"] = self.loss = Metric()

    def _log(self, d):
        print(d)

    def before_fit(self, learn):
        learn.metrics = self

    def before_epoch(self, learn):
        [o.reset() for o in self.all_metrics.values()]

    def after_epoch(self, learn):
        log = {k: f"{v.value:.3f}" for k, v in self.all_metrics.items()}
        log["epoch"] = learn.epoch
        log["train"] = "train" if learn.model.training else "eval"
        self._log(log)

    def after_batch(self, learn):
        x, y, *_ = learn.batch
        for m in self.metrics.values():
            m.add(learn.preds.argmax(dim=1), y, n=len(x))
        self.loss.add(learn.loss.detach(), n=len(x))


class DeviceCB(Callback):
    def __init__(self, device="cpu"):
        self.device = device

    def before_fit(self, learn):
        if hasattr(learn.model, "to"):
            learn.model.to(self.device)

    def before_batch(self, learn):
        learn.batch = tuple(t.to(self.device) for t in learn.batch)


class SingleBatchCB(Callback):
    order = 1

    def after_batch(self, learn):
        raise CancelFitException()


class SkipTinyBatchCB(Callback):
    order = -1

    def before_batch(self, learn):
        if len(learn.batch[0]) < 4:
            raise CancelBatchException()


class RecorderCB(Callback):
    order = 2

    def before_fit(self, learn):
        self.lrs, self.losses = [], []

    def after_batch(self, learn):
        if not learn.training:
            return
        self.lrs.append(learn.opt.param_groups[0]["lr"])
        self.losses.append(learn.loss.item())


class LRFinderCB(Callback):
    def __init__(self, lr_mult=1.6):
        self.lr_mult = lr_mult

    def before_fit(self, learn):
        self.lrs, self.losses = [], []
        self.min = math.inf

    def after_batch(self, learn):
        if not learn.training:
            raise CancelEpochException()
        self.lrs.append(learn.opt.param_groups[0]["lr"])
        loss = learn.loss.detach().cpu()
        self.losses.append(loss)
        if loss < self.min:
            self.min = loss
        if loss > self.min * 3 or math.isnan(loss):
            raise CancelFitException()
        for g in learn.opt.param_groups:
            g["lr"] *= self.lr_mult


# data: three gaussian blobs in 2-D
torch.manual_seed(42)
centers = torch.tensor([[2.0, 0.0], [-1.0, 1.7], [-1.0, -1.7]])
y = torch.randint(0, 3, (150,))
x = centers[y] + 0.6 * torch.randn(150, 2)
train_ds, valid_ds = TensorDataset(x[:120], y[:120]), TensorDataset(x[120:], y[120:])
dls = DataLoaders.from_dd([train_ds, valid_ds], batch_size=16)
print(len(dls.train), len(dls.valid), next(iter(dls.valid))[0].shape)


def get_model():
    return nn.Sequential(nn.Linear(2, 16), nn.ReLU(), nn.Linear(16, 3))


model = get_model()
metrics = MetricsCB(accuracy=Accuracy())
cbs = [TrainCB(), DeviceCB(), metrics, SkipTinyBatchCB()]
learn = Learner(model, dls, F.cross_entropy, lr=0.2, cbs=cbs)
learn.fit(1, cbs=[SingleBatchCB()])
print([type(c).__name__ for c in learn.cbs])

rec = RecorderCB()
learn.fit(3, cbs=[rec])
print(len(rec.losses), [round(l, 3) for l in rec.losses[::6]])

buf = io.BytesIO()
torch.save({"model": learn.model.state_dict(), "opt": learn.opt.state_dict()}, buf)
size = buf.tell()
buf.seek(0)
ckpt = torch.load(buf, weights_only=True)
print(size > 0, sorted(ckpt), list(ckpt["model"]), ckpt["opt"]["param_groups"][0]["lr"])
fresh = get_model()
print(fresh.load_state_dict(ckpt["model"]))
with torch.no_grad():
    xb, yb = next(iter(dls.valid))
    print(torch.equal(fresh(xb), learn.model(xb)), (fresh(xb).argmax(1) == yb).float().mean())

lrfind = LRFinderCB()
learn2 = Learner(get_model(), dls, F.cross_entropy, lr=1e-3, cbs=[TrainCB()])
learn2.fit(20, cbs=[lrfind])
print(len(lrfind.lrs), f"{lrfind.lrs[-1]:.4g}", f"{min(lrfind.losses).item():.4f}", type(lrfind.losses[0]))
print(torch.stack(lrfind.losses[:3]))
