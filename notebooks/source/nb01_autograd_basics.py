"""Tutorial 1: autograd basics / 自动求导."""

from _cells import code, md

CELLS = [
    md(
        """
        # 1. Autograd basics

        Training a neural network means nudging its parameters in the direction that
        lowers the loss, and for that we need gradients. **Autograd** computes them for
        you: while your code runs, it records every operation on tensors that *track
        history*, and `backward()` walks that record in reverse, applying the chain rule.

        In this notebook you will meet `requires_grad`, `grad_fn`, `backward()` and
        `.grad`, see why gradients accumulate, compute vector-Jacobian products, and
        switch tracking off with `no_grad`, `detach` and `requires_grad_`. Next to the
        code, a **graph widget** shows what autograd recorded. It can follow the graph
        live as you run the cells below it, or keep showing the graph as it was when its
        cell ran; either way its **timeline** lets you step through every change.
        """,
        """
        # 1. 自动求导

        训练神经网络，说到底就是沿着让损失变小的方向一点点调整参数，而要知道这个方向，就得先算出梯度。
        **自动求导（autograd）** 替你完成这件事：代码运行时，它把作用在“需要记录历史”的张量上的每一步运算都记下来；
        调用 `backward()` 时，再沿着这份记录倒着走一遍，用链式法则把梯度算出来。

        这一讲会依次介绍 `requires_grad`、`grad_fn`、`backward()` 和 `.grad`，讲清楚梯度为什么会累加，
        怎样计算向量-雅可比积，以及如何用 `no_grad`、`detach`、`requires_grad_` 关掉追踪。
        每段代码旁边都有一个**计算图控件**，画出 autograd 记下了什么。它可以在你运行后面的单元格时实时跟着更新，
        也可以一直显示它所在单元格运行时的样子；无论哪种，它的**时间线**都能让你逐步回看每一次变化。
        """,
    ),
    code(
        """
        import autograd_widgets as torch

        torch.manual_seed(0);
        """
    ),
    md(
        """
        We import the library under the name `torch`: every line below is ordinary
        PyTorch code. Replace the import with `import torch` and it runs unchanged on
        PyTorch; only the drawing calls (`torch.draw`, `TensorView`) belong to
        autograd_widgets.

        ## Tensors that track history

        Create a tensor with `requires_grad=True` to tell autograd to record what
        happens to it.
        """,
        """
        我们把这个库导入成 `torch` 这个名字，所以下面每一行都是地道的 PyTorch 代码：把第一行换成 `import torch`，
        整本笔记照样能在 PyTorch 上运行，只有画图用的调用（`torch.draw`、`TensorView`）是 autograd_widgets 自己的。

        ## 会记录历史的张量

        创建张量时传入 `requires_grad=True`，就是告诉 autograd：这个张量上发生的运算都要记下来。
        """,
    ),
    code(
        """
        x = torch.ones(2, 2, requires_grad=True)
        print(x)
        """
    ),
    md(
        """
        Do an operation with it. The result was *created by an operation*, so it
        carries a `grad_fn`: the node that knows how to send gradients back to the
        operation's inputs.
        """,
        """
        对它做一次运算。结果是由运算“生出来”的，所以带有一个 `grad_fn`：
        它是计算图中的一个节点，知道怎样把梯度传回这次运算的输入。
        """,
    ),
    code(
        """
        y = x + 2
        print(y)
        print(y.grad_fn)
        """
    ),
    code(
        """
        z = y * y * 3
        out = z.mean()
        print(z)
        print(out)
        """
    ),
    md(
        """
        ## See the graph

        `torch.draw(out)` draws the graph autograd has recorded behind `out`. Read it
        from the leaf `x` (an `AccumulateGrad` node: that is where `x`'s gradient will
        be stored) through `AddBackward0`, `MulBackward0` and `MeanBackward0` to `out`.
        Click a node to see its tensor's values, shape and dtype.

        By default a drawing is *live*: it follows every later change to its graph, so
        after Run All it shows the end of the notebook. `as_of="cell"` makes it keep
        showing the graph as it was at the end of the cell that drew it, which is what
        the text next to it describes. The drawings in these tutorials use it wherever
        the text says what a graph shows.
        """,
        """
        ## 把计算图画出来

        `torch.draw(out)` 会画出 autograd 在 `out` 背后记下的计算图。从叶子 `x` 读起
        （它对应一个 `AccumulateGrad` 节点，`x` 的梯度最后就存放在那里），
        经过 `AddBackward0`、`MulBackward0`、`MeanBackward0`，一直到 `out`。
        点击任意节点，可以看到对应张量的数值、形状和数据类型。

        默认情况下，画出来的图是*实时*的：之后计算图的每一次变化它都会跟上，所以“全部运行”之后，它显示的是整本笔记运行完时的样子。
        加上 `as_of="cell"`，它就会一直显示画它的那个单元格运行结束时的计算图，也就是旁边文字所描述的样子。
        本教程中，凡是文字说到图上显示什么的地方，画图时都用了这个参数。
        """,
    ),
    code(
        """
        graph = torch.draw(out, as_of="cell")
        graph
        """
    ),
    md(
        """
        ## Backpropagation

        `out` is a single number, so `out.backward()` needs no argument: it computes
        $\\frac{\\partial\\, out}{\\partial x}$ and stores it in `x.grad`.

        By hand: $out = \\frac{1}{4}\\sum_i z_i$, $z_i = 3(x_i+2)^2$, so
        $\\frac{\\partial\\, out}{\\partial x_i} = \\frac{3}{2}(x_i+2) = 4.5$ at $x_i = 1$.

        Run the cell, then show `graph` again in the cell after it: the leaf now shows
        its gradient, 4.5, and the nodes that ran are marked in the order they ran,
        starting with `ran #1` at `MeanBackward0`, where the backward pass begins.

        Both outputs are views of the same widget, so the drawing above now shows the
        same. Drawn with `as_of="cell"`, it shows the graph as it was at the end of the
        last cell that displayed it: the cells further down do not change what you read
        here. Its timeline (the slider and the ◀ ▶ buttons in its toolbar) keeps every
        state, labelled with the cell that made it: ◀ goes back to the graph before
        `backward()`, and "live" follows the graph as it is now.
        """,
        """
        ## 反向传播

        `out` 是一个标量，所以 `out.backward()` 不需要参数：它算出 $\\frac{\\partial\\, out}{\\partial x}$，
        并把结果存进 `x.grad`。

        手算验证一下：$out = \\frac{1}{4}\\sum_i z_i$，$z_i = 3(x_i+2)^2$，
        所以 $\\frac{\\partial\\, out}{\\partial x_i} = \\frac{3}{2}(x_i+2)$，在 $x_i = 1$ 处等于 4.5。

        运行下面的单元格，再在它后面的单元格里把 `graph` 重新显示一次：叶子节点上已经显示出梯度 4.5，
        刚才执行过的节点也按执行顺序标了出来，反向传播从 `MeanBackward0` 开始，它标着“第 1 个执行”。

        这两个输出是同一个控件的两个视图，所以上面那张图现在也是这个样子。它是用 `as_of="cell"` 画的，
        显示的是最后一次显示它的那个单元格运行结束时的计算图：后面的单元格不会改变你在这里看到的内容。
        它工具栏里的时间线（滑块和 ◀ ▶ 按钮）保存着每一个状态，并标明是哪个单元格造成的：
        点 ◀ 可以回到 `backward()` 之前的样子，点“实时”则跟随计算图现在的样子。
        """,
    ),
    code(
        """
        out.backward()
        print(x.grad)
        """
    ),
    code(
        """
        graph
        """
    ),
    md(
        """
        ## Gradients accumulate

        `backward()` **adds** to `.grad`; it never overwrites it. That is deliberate (it
        lets several losses, or several mini-batches, contribute to one update), but it
        surprises everyone once. `TensorView` shows a tensor's values and its `.grad`
        side by side and, like the graph, updates whenever they change.
        """,
        """
        ## 梯度会累加

        `backward()` 会把新梯度**加到** `.grad` 上，而不是覆盖它。这是有意为之的（这样多个损失、
        多个小批量可以共同贡献一次更新），但几乎每个人都会被它坑一次。
        `TensorView` 把张量的数值和 `.grad` 并排显示，并且和计算图一样，数据一变它就跟着更新。
        """,
    ),
    code(
        """
        from autograd_widgets import TensorView

        TensorView(x)
        """
    ),
    md(
        """
        A second loss, $\\sum x^2$, has gradient $2x = 2$. After its `backward()`,
        `x.grad` holds $4.5 + 2 = 6.5$, not $2$:
        """,
        """
        再来一个损失 $\\sum x^2$，它的梯度是 $2x = 2$。执行它的 `backward()` 之后，
        `x.grad` 里是 $4.5 + 2 = 6.5$，而不是 $2$：
        """,
    ),
    code(
        """
        (x * x).sum().backward()
        print(x.grad)
        """
    ),
    md(
        """
        So reset the gradient before each new computation: in place with
        `x.grad.zero_()`, or by setting it to `None` (what `optimizer.zero_grad()` does
        by default). Watch the view above change.
        """,
        """
        所以在每次新的计算之前要先清空梯度：可以用 `x.grad.zero_()` 原地清零，
        也可以直接设成 `None`（`optimizer.zero_grad()` 默认就是这么做的）。留意上面的视图随之变化。
        """,
    ),
    code(
        """
        x.grad.zero_()
        print(x.grad)
        (x * x).sum().backward()
        print(x.grad)
        x.grad = None
        print(x.grad)
        """
    ),
    md(
        """
        ## Non-scalar outputs: vector-Jacobian products

        When the output $\\vec{y} = f(\\vec{x})$ is a vector, the full derivative is the
        Jacobian matrix $J$, with $J_{ij} = \\partial y_i / \\partial x_j$. Autograd never
        builds $J$. Instead, `y.backward(v)` computes the **vector-Jacobian product**
        $v^\\top J$: if $v$ is the gradient of some scalar loss $\\ell$ with respect to
        $\\vec{y}$, then $v^\\top J$ is exactly $\\partial \\ell / \\partial \\vec{x}$, which is the
        chain rule. Calling `backward()` with no `v` on a vector is an error:
        """,
        """
        ## 非标量输出：向量-雅可比积

        如果输出 $\\vec{y} = f(\\vec{x})$ 是一个向量，完整的导数是雅可比矩阵 $J$，其中 $J_{ij} = \\partial y_i / \\partial x_j$。
        autograd 从来不会真的把 $J$ 构造出来，而是让 `y.backward(v)` 计算**向量-雅可比积** $v^\\top J$：
        如果 $v$ 是某个标量损失 $\\ell$ 对 $\\vec{y}$ 的梯度，那么 $v^\\top J$ 恰好就是 $\\partial \\ell / \\partial \\vec{x}$，这正是链式法则。
        对向量直接调用不带 `v` 的 `backward()` 会报错：
        """,
    ),
    code(
        """
        x = torch.tensor([1.0, 2.0, 3.0], requires_grad=True)
        y = x**2
        try:
            y.backward()
        except RuntimeError as err:
            print("RuntimeError:", err)
        """
    ),
    code(
        """
        v = torch.tensor([1.0, 0.1, 0.01])
        y.backward(v)
        print(x.grad)
        """
    ),
    md(
        """
        Check it against the Jacobian itself. Here $J = \\mathrm{diag}(2x)$, so
        $v^\\top J = (2, 0.4, 0.06)$. `torch.autograd.functional.jacobian` builds the
        full matrix (one backward pass per output) so we can compare:
        """,
        """
        和雅可比矩阵本身对照一下。这里 $J = \\mathrm{diag}(2x)$，所以 $v^\\top J = (2, 0.4, 0.06)$。
        `torch.autograd.functional.jacobian` 会把整个矩阵构造出来（每个输出分量做一次反向传播），方便我们对比：
        """,
    ),
    code(
        """
        J = torch.autograd.functional.jacobian(lambda t: t**2, x.detach())
        print(J)
        print(v @ J)
        """
    ),
    md(
        """
        The classic example from PyTorch's own tutorial: keep doubling until the norm
        passes 1000. However many `MulBackward0` nodes the loop adds, the graph (drawn
        below) records each one, and the vector-Jacobian product runs back through all
        of them.
        """,
        """
        再看 PyTorch 官方教程里的经典例子：不断乘以 2，直到范数超过 1000。
        循环加了多少个 `MulBackward0` 节点，下面的图里就有多少个，向量-雅可比积也会逐个穿过它们传回去。
        """,
    ),
    code(
        """
        x = torch.randn(3, requires_grad=True)
        y = x * 2
        while y.data.norm() < 1000:
            y = y * 2
        print(y)
        torch.draw(y)
        """
    ),
    code(
        """
        v = torch.tensor([0.1, 1.0, 0.0001], dtype=torch.float32)
        y.backward(v)
        print(x.grad)
        print(x.grad / v)
        """
    ),
    md(
        """
        Every entry of `x.grad / v` is the same power of two: $y = 2^k x$, so
        $J = 2^k I$.

        ## Stopping the recording

        ### `torch.no_grad()`

        Inside `with torch.no_grad():` nothing is recorded, even for tensors that
        require grad. Use it for evaluation and for updating weights by hand.
        """,
        """
        `x.grad / v` 的每一项都是同一个 2 的幂：$y = 2^k x$，所以 $J = 2^k I$。

        ## 停止记录

        ### `torch.no_grad()`

        在 `with torch.no_grad():` 里面，什么都不会被记录，哪怕张量本身需要梯度。
        做模型评估、手动更新权重时都应该这样写。
        """,
    ),
    code(
        """
        print(x.requires_grad)
        print((x**2).requires_grad)

        with torch.no_grad():
            w = x**2
        print(w.requires_grad)
        """
    ),
    md(
        """
        Draw `w`: there is no graph behind it, and the widget says why.
        """,
        """
        画一下 `w`：它背后没有计算图，控件会告诉你原因。
        """,
    ),
    code(
        """
        torch.draw(w)
        """
    ),
    md(
        """
        ### `detach()`

        `detach()` returns a new tensor with the same values (it even shares memory)
        but cut off from the graph: it does not require grad and has no `grad_fn`.
        """,
        """
        ### `detach()`

        `detach()` 返回一个数值相同（甚至共享内存）但与计算图断开的新张量：它不需要梯度，也没有 `grad_fn`。
        """,
    ),
    code(
        """
        print(x.requires_grad)
        y = x.detach()
        print(y.requires_grad, y.grad_fn)
        print(x.eq(y).all())
        """
    ),
    md(
        """
        ### `requires_grad_()`

        `requires_grad_(True)` switches tracking on for an existing tensor, in place.
        It is allowed only on leaves, tensors that were not produced by a recorded
        operation. From then on the operations on it are recorded:
        """,
        """
        ### `requires_grad_()`

        `requires_grad_(True)` 原地打开一个已有张量的追踪。它只能用在叶子张量上，
        也就是不是由被记录的运算产生的张量。从这以后，作用在它上面的运算都会被记录下来：
        """,
    ),
    code(
        """
        a = torch.randn(2, 2)
        a = (a * 3) / (a - 1)
        print(a.requires_grad)
        a.requires_grad_(True)
        print(a.requires_grad)
        b = (a * a).sum()
        print(b.grad_fn)
        torch.draw(b)
        """
    ),
    md(
        """
        ## Summary

        * `requires_grad=True` makes autograd record the operations on a tensor; each
          result carries a `grad_fn`.
        * `backward()` applies the chain rule through the recorded graph and **adds**
          the gradients to the leaves' `.grad`; zero them between steps.
        * For a non-scalar output, `backward(v)` computes the vector-Jacobian product
          $v^\\top J$.
        * `no_grad()`, `detach()` and `requires_grad_()` control what gets recorded.

        Next: **2. Anatomy of the graph** opens up the nodes: `next_functions`, saved
        tensors, hooks, and why a second `backward()` fails.
        """,
        """
        ## 小结

        * `requires_grad=True` 让 autograd 记录作用在张量上的运算；每个运算结果都带着一个 `grad_fn`。
        * `backward()` 沿着记录下来的计算图应用链式法则，把梯度**累加**到叶子张量的 `.grad` 上；每一步之间记得清零。
        * 输出不是标量时，`backward(v)` 计算的是向量-雅可比积 $v^\\top J$。
        * `no_grad()`、`detach()` 和 `requires_grad_()` 决定哪些运算会被记录。

        下一讲 **2. 计算图解剖** 会打开这些节点看个究竟：`next_functions`、保存的张量、钩子，
        以及第二次 `backward()` 为什么会失败。
        """,
    ),
]
