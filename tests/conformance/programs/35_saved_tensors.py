# "Autograd mechanics" notes and the "Hooks for saved tensors" tutorial: _saved_* attributes,
# _raw_saved_*, saved_tensors_hooks, save_on_cpu, register_hook on tensors, inference_mode.
import torch

x = torch.randn(5, requires_grad=True)
y = x.pow(2)
print(x.equal(y.grad_fn._saved_self))  # True
print(x is y.grad_fn._saved_self)  # True
print(y.grad_fn._saved_exponent, y.grad_fn)

x = torch.randn(5, requires_grad=True)
y = x.exp()
print(y.equal(y.grad_fn._saved_result))  # True
print(y is y.grad_fn._saved_result)  # False
print(y.grad_fn._raw_saved_result, type(y.grad_fn._raw_saved_result).__name__)

a = torch.randn(5, requires_grad=True)
b = torch.ones(5, requires_grad=True)
c = torch.ones(5, requires_grad=True)
y = a * b * c
print(y.grad_fn._saved_self.shape, y.grad_fn._saved_other.shape)
print(
    y.grad_fn.next_functions[0][0]._saved_self is a,
    y.grad_fn.next_functions[0][0]._saved_other is b,
)


def pack_hook(x):
    print("Packing", x)
    return x


def unpack_hook(x):
    print("Unpacking", x)
    return x


a = torch.ones(5, requires_grad=True)
b = torch.ones(5, requires_grad=True) * 2
with torch.autograd.graph.saved_tensors_hooks(pack_hook, unpack_hook):
    y = a * b

y.sum().backward()
print(a.grad)

x = torch.randn(5, requires_grad=True)
y = x.pow(2)
y.grad_fn._raw_saved_self.register_hooks(pack_hook, unpack_hook)
print(y.grad_fn._saved_self)
try:
    y.grad_fn._raw_saved_self.register_hooks(pack_hook, unpack_hook)
except RuntimeError as e:
    print(e)


# Keep saved tensors as numpy-free copies keyed by an index, "Saving tensors to disk" style.
class SelfDeletingStore:
    def __init__(self):
        self.store = {}
        self.n = 0

    def pack(self, t):
        self.n += 1
        self.store[self.n] = t.clone()
        return self.n

    def unpack(self, i):
        return self.store.pop(i)


store = SelfDeletingStore()
x = torch.linspace(-1, 1, 5, requires_grad=True)
with torch.autograd.graph.saved_tensors_hooks(store.pack, store.unpack):
    y = x.sin() * x.cos()
    z = y.sum()
print(len(store.store), store.n)
z.backward()
print(x.grad, len(store.store))

with torch.autograd.graph.save_on_cpu(pin_memory=False):
    w = torch.randn(3, requires_grad=True)
    out = (w * w).sum()
out.backward()
print(torch.equal(w.grad, 2 * w))

# Tensor hooks: modify the gradient on its way back, then remove the hook.
v = torch.tensor([0.0, 0.0, 0.0], requires_grad=True)
h = v.register_hook(lambda grad: grad * 2)  # double the gradient
v.backward(torch.tensor([1.0, 2.0, 3.0]))
print(v.grad)
h.remove()
v.backward(torch.tensor([1.0, 2.0, 3.0]))
print(v.grad)

# retain_grad on a non-leaf.
x = torch.tensor([1.0, 2.0], requires_grad=True)
y = x * 3
y.retain_grad()
z = (y**2).sum()
z.backward()
print(y.grad, x.grad, y.retains_grad, x.retains_grad, z.retains_grad)
try:
    x.retain_grad()
    print("leaf retain_grad ok")
    torch.ones(2).retain_grad()
except RuntimeError as e:
    print(e)

# inference_mode: tensors made inside cannot enter autograd later.
with torch.inference_mode():
    w = torch.ones(3)
    u = w * 2
print(
    u.requires_grad,
    u.is_inference(),
    torch.ones(1).is_inference(),
    torch.is_inference_mode_enabled(),
)


@torch.inference_mode()
def predict(t):
    return t * 2


p = predict(torch.ones(2, requires_grad=True))
print(p, p.requires_grad)
try:
    u.requires_grad_()
except RuntimeError as e:
    print(e)
q = torch.ones(3, requires_grad=True)
try:
    (q * u).sum().backward()
    print(q.grad)
except RuntimeError as e:
    print(e)
try:
    with torch.inference_mode():
        u.add_(1)
    u.add_(1)
except RuntimeError as e:
    print(e)
with torch.inference_mode(mode=False):
    print(torch.is_inference_mode_enabled())
print(u.clone().is_inference())

# requires_grad_ / set_grad_enabled / no_grad as decorator.
t = torch.zeros(2)
print(t.requires_grad_(), t.requires_grad_(False))
torch.set_grad_enabled(False)
print((torch.ones(2, requires_grad=True) * 2).requires_grad, torch.is_grad_enabled())
torch.set_grad_enabled(True)


@torch.no_grad()
def doubler(t):
    return t * 2


print(doubler(torch.ones(2, requires_grad=True)).requires_grad)
with torch.set_grad_enabled(False):
    print(torch.is_grad_enabled())
print(torch.is_grad_enabled())
try:
    torch.ones(2, dtype=torch.long).requires_grad_()
except RuntimeError as e:
    print(e)
