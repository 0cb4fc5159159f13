"""Tutorial 6: debugging gradients / 调试梯度."""

from _cells import code, md

CELLS = [
    md(
        """
        # 6. Debugging gradients

        Sooner or later a gradient misbehaves: `.grad` stays `None`, `backward()`
        complains about an in-place operation, or the loss turns into `nan`. Each
        section below reproduces one of these failures on purpose, catches the error
        and prints PyTorch's message (learn to read it: it usually says exactly what
        is wrong), shows the problem on the graph, and fixes it.
        """,
        """
        # 6. 调试梯度

        迟早会遇到梯度出问题的时候：`.grad` 一直是 `None`，`backward()` 抱怨某个原地操作，或者损失变成了 `nan`。
        下面每一节都故意重现一种故障：捕获异常并打印 PyTorch 的报错信息（要学会读它，它通常准确地说明了哪里出了错），
        在计算图上把问题指出来，然后修好它。
        """,
    ),
    code(
        """
        import autograd_widgets as torch
        from autograd_widgets import nn

        torch.manual_seed(0);
        """
    ),
    md(
        """
        ## 1. `.grad` is `None`

        ### Nothing asked for a gradient

        Tensors do not track history by default. If nothing in the computation
        requires grad, there is no graph at all, and `backward()` says so. The widget
        shows a lone tensor with no `grad_fn`.
        """,
        """
        ## 1. `.grad` 是 `None`

        ### 没有谁要求梯度

        张量默认不记录历史。如果整个计算里没有任何张量需要梯度，就根本不存在计算图，`backward()` 会直接报错。
        控件里只会显示一个孤零零、没有 `grad_fn` 的张量。
        """,
    ),
    code(
        """
        w = torch.tensor([1.0, 2.0, 3.0])
        loss = (w * 2).sum()
        try:
            loss.backward()
        except RuntimeError as err:
            print("RuntimeError:", err)
        torch.draw(loss)
        """
    ),
    md(
        """
        The fix is `requires_grad=True` on the tensors you want gradients for. Only
        floating-point tensors can have gradients, though; integers cannot:
        """,
        """
        解决办法是给需要梯度的张量加上 `requires_grad=True`。不过只有浮点张量才能有梯度，整数张量不行：
        """,
    ),
    code(
        """
        try:
            torch.tensor([1, 2, 3], requires_grad=True)
        except RuntimeError as err:
            print("RuntimeError:", err)

        w = torch.tensor([1.0, 2.0, 3.0], requires_grad=True)
        (w * 2).sum().backward()
        print(w.grad)
        """
    ),
    md(
        """
        ### The "parameter" is not a leaf

        A very common bug: scaling a freshly created tensor *after* asking for
        gradients. `w` below is the result of a multiplication, a non-leaf, so its
        `.grad` is never filled in (PyTorch warns when you read it). The tensor that
        receives the gradient is the hidden leaf behind it, which nobody holds.
        """,
        """
        ### “参数”不是叶子

        一个非常常见的 bug：先要求梯度，*再*对新建的张量做缩放。下面的 `w` 是一次乘法的结果，是非叶子张量，
        它的 `.grad` 永远不会被填上（读取时 PyTorch 会给出警告）。真正接收梯度的是藏在它背后的那个叶子，而谁也没拿着它。
        """,
    ),
    code(
        """
        import warnings

        w = torch.randn(3, requires_grad=True) * 0.01
        loss = (w * torch.tensor([1.0, 2.0, 3.0])).sum()
        loss.backward()
        print("is_leaf:", w.is_leaf, "grad_fn:", w.grad_fn)
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            print("w.grad:", w.grad)
        print("UserWarning:", str(caught[0].message)[:84], "...")
        torch.draw(loss)
        """
    ),
    md(
        """
        In the graph, the leaf (`AccumulateGrad`) sits *behind* `MulBackward0`. Fix: make
        the scaled tensor the leaf, by scaling first and then calling
        `requires_grad_()` (or by scaling under `no_grad`).
        """,
        """
        从图上看，叶子（`AccumulateGrad`）藏在 `MulBackward0` *后面*。修复方法：让缩放后的张量成为叶子——
        先缩放，再调用 `requires_grad_()`（或者在 `no_grad` 下做缩放）。
        """,
    ),
    code(
        """
        w = (torch.randn(3) * 0.01).requires_grad_()
        (w * torch.tensor([1.0, 2.0, 3.0])).sum().backward()
        print("is_leaf:", w.is_leaf, "w.grad:", w.grad)
        """
    ),
    md(
        """
        ### The graph was cut

        `detach()`, `.item()`, `.numpy()` or re-wrapping values in `torch.tensor(...)`
        all cut the graph. Gradients cannot flow past the cut, so the tensors before it
        get no `.grad`. The graph makes the cut obvious: `w` is simply not in it.
        """,
        """
        ### 计算图被切断了

        `detach()`、`.item()`、`.numpy()`，或者把数值重新包进 `torch.tensor(...)`，都会切断计算图。
        梯度流不过断口，断口之前的张量也就得不到 `.grad`。画出计算图，断口一目了然：`w` 根本不在图里。
        """,
    ),
    code(
        """
        w = torch.randn(3, requires_grad=True)
        b = torch.randn(3, requires_grad=True)
        hidden = (w * 2).detach()
        loss = (hidden * b).sum()
        loss.backward()
        print("w.grad:", w.grad)
        print("b.grad:", b.grad)
        torch.draw(loss, as_of="cell")
        """
    ),
    code(
        """
        hidden = w * 2
        loss = (hidden * b).sum()
        loss.backward()
        print("w.grad:", w.grad)
        torch.draw(loss)
        """
    ),
    md(
        """
        ## 2. In-place operations

        ### In-place on a leaf that requires grad

        Changing a leaf in place would make the recorded graph lie about the values
        it was computed from, so autograd refuses:
        """,
        """
        ## 2. 原地操作

        ### 对需要梯度的叶子做原地操作

        原地修改叶子张量，会让记录下来的计算图和它依据的数值对不上，所以 autograd 直接拒绝：
        """,
    ),
    code(
        """
        w = torch.tensor([1.0, 2.0, 3.0], requires_grad=True)
        try:
            w.add_(1)
        except RuntimeError as err:
            print("RuntimeError:", err)
        """
    ),
    md(
        """
        When you *mean* to change the parameter, as an optimizer step does, do it
        under `no_grad`: the update itself must not be recorded.
        """,
        """
        如果你*确实*想修改参数（优化器的每一步就是这样做的），就放在 `no_grad` 下进行：更新这件事本身不应该被记录。
        """,
    ),
    code(
        """
        (w**2).sum().backward()
        with torch.no_grad():
            w -= 0.1 * w.grad
        w.grad = None
        print(w)
        """
    ),
    md(
        """
        ### A tensor saved for backward was modified

        `sigmoid` saves its output, because its derivative is $\\sigma(1-\\sigma)$. Change
        that output in place and the saved value is no longer the one the forward pass
        produced. Autograd notices through the tensor's **version counter**, which
        every in-place operation increments, and `backward()` fails. First draw the
        graph with `show_saved=True` to see which tensor was saved and by whom: `s` is
        saved twice by `MulBackward0` (as `self` and `other`), and as
        `SigmoidBackward0`'s `result`.
        """,
        """
        ### 为反向传播保存的张量被改掉了

        `sigmoid` 会保存自己的输出，因为它的导数是 $\\sigma(1-\\sigma)$。如果原地修改了这个输出，保存的值就不再是前向传播时的那个了。
        autograd 靠张量的**版本计数器**发现这一点——每次原地操作都会让它加一——于是 `backward()` 报错。
        先用 `show_saved=True` 画出计算图，看看保存的是哪个张量、是被谁保存的：`s` 被 `MulBackward0` 保存了两次
        （作为 `self` 和 `other`），又作为 `SigmoidBackward0` 的 `result` 被保存了一次。
        """,
    ),
    code(
        """
        a = torch.tensor([-1.0, 0.0, 2.0], requires_grad=True)
        s = a.sigmoid()
        loss = (s * s).sum()
        torch.draw(loss, show_saved=True, as_of="cell")
        """
    ),
    md(
        """
        Now change `s` in place and run the backward pass:
        """,
        """
        现在原地修改 `s`，再执行反向传播：
        """,
    ),
    code(
        """
        print("version before:", s._version)
        s.mul_(2)
        print("version after: ", s._version)
        try:
            loss.backward()
        except RuntimeError as err:
            print("RuntimeError:", err)
        """
    ),
    md(
        """
        The message names the culprit: a float tensor of shape `[3]`, now at version
        1 where backward expected version 0. It is described as the output of `Mul`,
        the in-place `mul_` that last wrote to it. The drawing above, made with
        `as_of="cell"`, still shows the graph before the change; one step forward in
        its timeline (▶) shows the failed backward pass. Fix: use the out-of-place
        form, which makes a new tensor and leaves the saved one alone.
        """,
        """
        报错信息点名了罪魁祸首：一个形状为 `[3]` 的浮点张量，当前版本是 1，而反向传播期望的是版本 0。
        信息里说它是 `Mul` 的输出，因为最后一次写入它的正是原地运算 `mul_`。
        上面那张图是用 `as_of="cell"` 画的，仍然是修改之前的样子；在它的时间线上往后走一步（▶），就能看到这次失败的反向传播。
        修复方法：改用非原地的写法，它会生成一个新张量，不去动保存的那个。
        """,
    ),
    code(
        """
        s = a.sigmoid()
        loss = (s * s).sum()
        s = s * 2
        loss.backward()
        print(a.grad)
        """
    ),
    md(
        """
        ## 3. NaN gradients

        ### A NaN the forward pass hides

        A classic trap: guard a `log` with `where` so the forward pass never sees
        $\\log 0$. The loss is fine, yet the gradient has a `nan`. Why? `where` sends a
        zero gradient into the unused branch, but `LogBackward0` still computes
        $0 \\cdot \\frac{1}{x}$ at $x = 0$, and $0 \\cdot \\infty = \\text{nan}$. The graph shows
        the NaN gradient at the leaf.
        """,
        """
        ## 3. NaN 梯度

        ### 前向传播看不出来的 NaN

        一个经典陷阱：用 `where` 护住 `log`，让前向传播永远碰不到 $\\log 0$。损失看起来一切正常，梯度里却出现了 `nan`。
        为什么？`where` 确实往没被选中的分支里送了一个零梯度，但 `LogBackward0` 在 $x = 0$ 处仍然要计算 $0 \\cdot \\frac{1}{x}$，
        而 $0 \\cdot \\infty = \\text{nan}$。计算图上，叶子处的 NaN 梯度会被醒目地标出来。
        """,
    ),
    code(
        """
        x = torch.tensor([0.0, 1.0, 2.0], requires_grad=True)
        y = torch.where(x > 0, x.log(), torch.zeros_like(x))
        print("forward:", y)
        y.sum().backward()
        print("x.grad: ", x.grad)
        torch.draw(y, as_of="cell")
        """
    ),
    md(
        """
        ### Finding where it came from: `detect_anomaly`

        In a big model the question is *which* operation produced the NaN. Under
        `torch.autograd.detect_anomaly()`, backward checks every node's output and
        raises at the first NaN, naming the node, and warns with the traceback of the
        forward line that created that node.
        """,
        """
        ### 找出源头：`detect_anomaly`

        在大模型里，真正的问题是：NaN *究竟*是哪个运算产生的？在 `torch.autograd.detect_anomaly()` 下，
        反向传播会检查每个节点的输出，遇到第一个 NaN 就报错并点出节点的名字，同时用警告给出创建该节点的那行前向代码的调用栈。
        """,
    ),
    code(
        """
        x = torch.tensor([0.0, 1.0, 2.0], requires_grad=True)
        with torch.autograd.detect_anomaly():
            y = torch.where(x > 0, x.log(), torch.zeros_like(x))
            try:
                y.sum().backward()
            except RuntimeError as err:
                print("RuntimeError:", err)
        """
    ),
    md(
        """
        The fix is to make the *input* of the dangerous operation safe, not just its
        output: replace the zeros before taking the log, so no branch ever computes
        $\\log 0$ or $1/0$.
        """,
        """
        修复的关键是让危险运算的*输入*变得安全，而不只是处理它的输出：先把零替换掉再取对数，
        这样哪个分支都不会去算 $\\log 0$ 或 $1/0$。
        """,
    ),
    code(
        """
        x = torch.tensor([0.0, 1.0, 2.0], requires_grad=True)
        safe_x = torch.where(x > 0, x, torch.ones_like(x))
        y = torch.where(x > 0, safe_x.log(), torch.zeros_like(x))
        y.sum().backward()
        print("x.grad:", x.grad)
        torch.draw(y)
        """
    ),
    md(
        """
        ### Division by zero in disguise

        The same $0 \\cdot \\infty$ hides in a Euclidean distance,
        $\\sqrt{\\sum (p - q)^2}$, when the two points coincide: the forward value is a
        harmless 0, but the derivative of $\\sqrt{u}$ at $u = 0$ is infinite. A small
        epsilon under the square root fixes it.
        """,
        """
        ### 伪装起来的除以零

        同样的 $0 \\cdot \\infty$ 也藏在欧氏距离 $\\sqrt{\\sum (p - q)^2}$ 里：当两个点重合时，前向的值是人畜无害的 0，
        但 $\\sqrt{u}$ 在 $u = 0$ 处的导数是无穷大。在根号里加一个很小的 epsilon 就能解决。
        """,
    ),
    code(
        """
        p = torch.tensor([1.0, 2.0], requires_grad=True)
        q = torch.tensor([1.0, 2.0])
        torch.sqrt(((p - q) ** 2).sum()).backward()
        print("without eps:", p.grad)

        p.grad = None
        torch.sqrt(((p - q) ** 2).sum() + 1e-12).backward()
        print("with eps:   ", p.grad)
        """
    ),
    md(
        """
        ## 4. Reading an error on the graph

        A widget that already shows the graph explains a `backward()` that fails
        through it: the node at fault gets a **red outline**, and a box above the
        drawing says in plain words what went wrong and the usual fix. PyTorch's
        message is not changed: it is in the traceback as always (here printed by the
        `except`), and the box keeps it under "PyTorch's message". So draw first, then
        call `backward()`: the widget explains only what happens while it is on screen.

        Here is the in-place error of section 2 again. `sigmoid` saves its output `s`;
        `s.mul_(2)` changes it before `backward()` runs.
        """,
        """
        ## 4. 在计算图上读懂报错

        如果控件已经画出了计算图，那么穿过这张图的 `backward()` 一旦失败，控件就会解释原因：出错的节点被**红色边框**标出，
        图上方的说明框用平实的语言说清楚哪里出了错，以及通常的解决办法。PyTorch 的报错信息不会被改动：它照常出现在 traceback 里
        （这里由 `except` 打印出来），说明框里也在“PyTorch 的报错信息”下原样保留。所以要先画图，再调用 `backward()`：
        控件只能解释它显示之后发生的事情。

        下面再来看一次第 2 节的原地操作错误。`sigmoid` 保存了自己的输出 `s`，而 `s.mul_(2)` 在 `backward()` 之前改动了它。
        """,
    ),
    code(
        """
        a = torch.tensor([-1.0, 0.0, 2.0], requires_grad=True)
        s = a.sigmoid()
        total = s.sum()
        graph = torch.draw(total)
        display(graph)  # on screen before the error, so it can explain it
        s.mul_(2)
        try:
            total.backward()
        except RuntimeError as err:
            print("RuntimeError:", err)
        """
    ),
    md(
        """
        Read the box from the top. The node outlined in red, `SigmoidBackward0`, is the
        one whose backward formula could not run. It saved its `result` (shape `[3]`)
        at version 0, and the tensor is now at version 1. The line below names the op
        that bumped the version, `MulBackward0` from `s.mul_(2)` in this cell: the same
        facts as PyTorch's message, placed on the graph. The usual fix follows.

        The other errors are marked the same way. For a non-scalar output or a
        `gradient` of the wrong shape, the red outline is on the output box; for a
        second `backward()` through a freed graph, on the first node that needed a
        freed saved tensor; under `detect_anomaly()`, on the node that produced the NaN.
        """,
        """
        从上往下读这个说明框。红框标出的节点 `SigmoidBackward0` 就是反向公式无法运行的那个节点。它在版本 0 时保存了自己的
        `result`（形状 `[3]`），而这个张量现在是版本 1。下面一行点出了让版本加一的运算：来自本单元格 `s.mul_(2)` 的
        `MulBackward0`。这些正是 PyTorch 报错信息里的内容，只是标在了计算图上。最后是通常的解决办法。

        其他错误也用同样的方式标出：输出不是标量，或者传入的 `gradient` 形状不对时，红框标在输出框上；对已释放的计算图第二次调用
        `backward()` 时，红框标在第一个需要已释放张量的节点上；在 `detect_anomaly()` 下，红框标在产生 NaN 的节点上。
        """,
    ),
    code(
        """
        y = a * 2  # three numbers, not one
        graph = torch.draw(y)
        display(graph)
        try:
            y.backward()
        except RuntimeError as err:
            print("RuntimeError:", err)
        """
    ),
    code(
        """
        z = (a.exp() * a).sum()
        graph = torch.draw(z)
        display(graph)
        z.backward()
        try:
            z.backward()  # the first call freed the saved tensors
        except RuntimeError as err:
            print("RuntimeError:", err)
        """
    ),
    md(
        """
        ## 5. A gradient health check

        After `backward()`, one loop over `named_parameters()` catches most problems
        at once: parameters with no gradient (not connected to the loss), NaN or
        infinite gradients, and suspiciously tiny or huge norms. Below, the model has a
        layer that `forward` never uses, a typical leftover after refactoring.
        """,
        """
        ## 5. 梯度体检

        调用 `backward()` 之后，对 `named_parameters()` 过一遍循环，就能一次发现大多数问题：
        没有梯度的参数（与损失不连通）、NaN 或无穷大的梯度，以及范数小得或大得可疑的梯度。
        下面这个模型里有一层 `forward` 根本没用到——重构之后常常会留下这种残余。
        """,
    ),
    code(
        """
        class Net(nn.Module):
            def __init__(self):
                super().__init__()
                self.hidden = nn.Linear(4, 8)
                self.unused = nn.Linear(8, 8)
                self.out = nn.Linear(8, 1)

            def forward(self, x):
                return self.out(torch.relu(self.hidden(x)))


        def check_gradients(model):
            for name, param in model.named_parameters():
                if param.grad is None:
                    status = "NO GRAD: not connected to the loss"
                elif not torch.isfinite(param.grad).all():
                    status = "NaN/Inf in the gradient"
                else:
                    status = f"ok, norm {param.grad.norm().item():.2e}"
                print(f"{name:<14} {status}")


        net = Net()
        loss = net(torch.randn(16, 4)).pow(2).mean()
        loss.backward()
        check_gradients(net)
        """
    ),
    md(
        """
        ## Checklist

        * **`.grad` is `None`**: does the tensor require grad? Is it a leaf
          (`is_leaf`)? Is it in the graph at all (`torch.draw(loss)`), or did a
          `detach()`, `.item()`, `.numpy()` or `torch.tensor(...)` cut it off?
        * **In-place error**: update parameters under `no_grad`; do not modify tensors
          that a backward formula saved (`show_saved=True` shows them); prefer
          out-of-place operations.
        * **NaN**: run backward under `torch.autograd.detect_anomaly()` to name the
          node; make the *inputs* of `log`, `sqrt`, division safe, not just their
          outputs; add an epsilon where a value can reach zero.
        * After `backward()`, check every parameter's gradient for `None`, NaN and odd
          norms.

        That is the end of the tutorials. Everything you have written here is plain
        PyTorch: change the import and it runs on `torch`, and `torch.draw` works on
        real PyTorch tensors too.

        ## Moving to real PyTorch, keeping the widget

        Change the first line of a notebook and keep the widget under its own name:

        ```python
        import torch                     # was: import autograd_widgets as torch
        import autograd_widgets as aw

        x = torch.ones(2, 2, requires_grad=True)
        out = ((x ** 2) * 3).mean()
        w = aw.draw(out)                 # live on real torch too
        w
        ```

        A later `out.backward()` shows `x.grad` and the execution order in the drawn
        widget, through PyTorch's own hooks; the timeline, stepping through a pass and
        the red mark on a failed `backward()` work as here. In a training loop over the
        drawn model the widget stops watching every op until the cell ends (that would
        slow each step by ~40%) and keeps showing each pass and the new `.grad`; what
        real torch cannot show, and why, is listed in the README. To check that a cell behaves the same on
        both, run it under `%%compare_torch`: it runs once here and once on real
        PyTorch (if installed), from the same seed, and lists what differs: printed
        output, tensor values and `.grad`, and the `grad_fn` graphs.
        """,
        """
        ## 排查清单

        * **`.grad` 是 `None`**：这个张量需要梯度吗？它是叶子吗（`is_leaf`）？它到底在不在计算图里（`torch.draw(loss)` 看一眼），
          是不是被 `detach()`、`.item()`、`.numpy()` 或 `torch.tensor(...)` 切断了？
        * **原地操作报错**：在 `no_grad` 下更新参数；不要修改反向公式保存的张量（`show_saved=True` 能把它们显示出来）；
          尽量使用非原地运算。
        * **NaN**：在 `torch.autograd.detect_anomaly()` 下跑一遍反向传播，找出出问题的节点；让 `log`、`sqrt`、除法的*输入*安全，
          而不只是处理它们的输出；在可能变成零的地方加上 epsilon。
        * `backward()` 之后，检查每个参数的梯度有没有 `None`、NaN 或者异常的范数。

        教程到此结束。你在这里写的每一行都是地道的 PyTorch 代码：换掉导入语句，它就能在 `torch` 上运行；
        而 `torch.draw` 也同样能画真正的 PyTorch 张量。

        ## 换用真正的 PyTorch，控件照样能用

        只改笔记本的第一行，控件换个名字继续导入：

        ```python
        import torch                     # 原来是：import autograd_widgets as torch
        import autograd_widgets as aw

        x = torch.ones(2, 2, requires_grad=True)
        out = ((x ** 2) * 3).mean()
        w = aw.draw(out)                 # 在真正的 torch 上也是实时的
        w
        ```

        之后某个单元格里运行 `out.backward()`，画好的控件会借助 PyTorch 自己的钩子显示 `x.grad` 和执行顺序；
        时间线、逐步查看一次反向传播、以及在失败的 `backward()` 上标红，都和这里一样可用。在对所画模型的训练循环里，
        控件会在该单元格结束前暂停跟踪每一个运算（否则每一步会慢约 40%），但仍然显示每一次反向传播和新的 `.grad`；
        真正的 torch 上做不到的事情及原因，列在 README 里。
        想确认一个单元格在两边表现一致，就用 `%%compare_torch` 运行它：它在这里运行一次，再在真正的 PyTorch 上
        （如果已安装）从同一个随机种子运行一次，并列出两边的不同之处：打印的输出、张量的值和 `.grad`，以及 `grad_fn` 计算图。
        """,
    ),
    code(
        """
        %load_ext autograd_widgets
        """
    ),
    code(
        """
        %%compare_torch
        x = torch.ones(2, 2, requires_grad=True)
        out = ((x ** 2) * 3).mean()
        out.backward()
        print(x.grad)
        """
    ),
]
