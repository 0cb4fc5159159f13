"""Tutorial 2: anatomy of the graph / 计算图解剖."""

from _cells import code, md

CELLS = [
    md(
        """
        # 2. Anatomy of the graph

        In the first tutorial the graph was a picture. Here we take it apart: every
        `grad_fn` is a Python object you can inspect. You will follow `next_functions`
        from the output back to the leaves, meet `AccumulateGrad`, look at the tensors a
        node *saves* for the backward pass, tell leaves from non-leaves, attach hooks,
        and find out why a second `backward()` fails and what `retain_graph` changes.
        """,
        """
        # 2. 计算图解剖

        第一讲里，计算图只是一张图。这一讲我们把它拆开来看：每个 `grad_fn` 都是一个可以查看的 Python 对象。
        我们会顺着 `next_functions` 从输出一路走回叶子，认识 `AccumulateGrad`，看看节点为反向传播*保存*了哪些张量，
        分清叶子与非叶子，挂上钩子（hook），最后弄明白第二次 `backward()` 为什么会失败、`retain_graph` 又改变了什么。
        """,
    ),
    code(
        """
        import autograd_widgets as torch
        """
    ),
    md(
        """
        ## A small graph

        $Q = 3a^3 - b^2$, for two leaves $a$ and $b$:
        """,
        """
        ## 一张小图

        两个叶子张量 $a$ 和 $b$，计算 $Q = 3a^3 - b^2$：
        """,
    ),
    code(
        """
        a = torch.tensor([2.0, 3.0], requires_grad=True)
        b = torch.tensor([6.0, 4.0], requires_grad=True)
        Q = 3 * a**3 - b**2
        graph = torch.draw(Q, as_of="cell")
        graph
        """
    ),
    md(
        """
        ## `next_functions`: the edges of the graph

        `Q.grad_fn` is the node that produced `Q`. Its `next_functions` is a tuple of
        `(node, input_index)` pairs, one per input of the operation: where the gradient
        goes next. `SubBackward0` has two inputs, `3 * a**3` and `b**2`:
        """,
        """
        ## `next_functions`：图中的边

        `Q.grad_fn` 是产生 `Q` 的那个节点。它的 `next_functions` 是一个由 `(节点, 输入序号)` 组成的元组，
        运算的每个输入各占一项，表示梯度下一步要流向哪里。`SubBackward0` 有两个输入：`3 * a**3` 和 `b**2`：
        """,
    ),
    code(
        """
        print(Q.grad_fn)
        print(Q.grad_fn.next_functions)
        """
    ),
    md(
        """
        Following `next_functions` recursively walks the whole graph. This little
        function prints it as an indented tree; it is essentially what `torch.draw`
        does before laying the graph out. Note the `None` entry: the constant `3` is not
        a tensor that needs a gradient, so its branch ends there.
        """,
        """
        递归地沿着 `next_functions` 走下去，就能遍历整张图。下面这个小函数把它打印成一棵缩进的树——
        `torch.draw` 在排版之前做的基本上也是这件事。注意其中的 `None`：常数 `3` 不是需要梯度的张量，这一支就到此为止。
        """,
    ),
    code(
        """
        def walk(node, depth=0):
            if node is None:
                print("    " * depth + "None")
                return
            print("    " * depth + type(node).__name__)
            for next_node, _ in node.next_functions:
                walk(next_node, depth + 1)


        walk(Q.grad_fn)
        """
    ),
    md(
        """
        ## `AccumulateGrad`: where leaves receive their gradient

        Every branch that reaches a leaf ends in an `AccumulateGrad` node. Its
        `variable` attribute *is* the leaf tensor, and its only job during backward is
        to add the incoming gradient to `variable.grad`.
        """,
        """
        ## `AccumulateGrad`：叶子在这里接收梯度

        每一条通向叶子的分支，尽头都是一个 `AccumulateGrad` 节点。它的 `variable` 属性*就是*那个叶子张量本身，
        反向传播时它唯一的任务，就是把流进来的梯度加到 `variable.grad` 上。
        """,
    ),
    code(
        """
        mul_node = Q.grad_fn.next_functions[0][0]
        pow_node = mul_node.next_functions[0][0]
        acc_node = pow_node.next_functions[0][0]
        print(mul_node, pow_node, acc_node, sep="\\n")
        print(acc_node.variable is a)
        """
    ),
    md(
        """
        ## Saved tensors

        To compute its gradient, a node often needs values from the forward pass.
        $\\frac{d}{da}a^3 = 3a^2$ needs $a$, so `PowBackward0` saves its input and the
        exponent. PyTorch exposes them as `_saved_*` attributes. Redraw with
        `show_saved=True` to see them as extra boxes hanging off their nodes.
        """,
        """
        ## 保存的张量

        为了计算梯度，节点常常需要用到前向传播时的数值。$\\frac{d}{da}a^3 = 3a^2$ 要用到 $a$，
        所以 `PowBackward0` 保存了它的输入和指数。PyTorch 通过 `_saved_*` 属性把它们暴露出来。
        加上 `show_saved=True` 重新画一次，保存的张量会作为额外的方框挂在各自的节点旁边。
        """,
    ),
    code(
        """
        print(pow_node._saved_self)
        print(pow_node._saved_exponent)
        torch.draw(Q, show_saved=True, as_of="cell")
        """
    ),
    md(
        """
        Some operations save their *output* instead: the derivative of $e^x$ is $e^x$
        itself, so `ExpBackward0` keeps `_saved_result`.
        """,
        """
        有些运算保存的是自己的*输出*：$e^x$ 的导数就是 $e^x$ 本身，所以 `ExpBackward0` 保存的是 `_saved_result`。
        """,
    ),
    code(
        """
        e = a.exp()
        print(e.grad_fn, e.grad_fn._saved_result)
        """
    ),
    md(
        """
        ## Leaves and non-leaves

        A **leaf** is a tensor you created directly; a **non-leaf** was produced by a
        recorded operation. Only leaves that require grad get `.grad` filled in; for
        non-leaves autograd saves memory and throws the gradient away once it has
        passed through. Reading `.grad` on a non-leaf gives `None` and a warning,
        which we catch here to print it:
        """,
        """
        ## 叶子与非叶子

        **叶子**是你直接创建的张量；**非叶子**是由被记录的运算产生的张量。只有需要梯度的叶子才会被填上 `.grad`；
        对于非叶子，梯度流过之后 autograd 就把它丢掉，以节省内存。读取非叶子的 `.grad` 只会得到 `None` 和一条警告，
        这里我们把警告捕获下来打印出来：
        """,
    ),
    code(
        """
        import warnings

        print(a.is_leaf, b.is_leaf, Q.is_leaf)

        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            print(Q.grad)
        print("UserWarning:", str(caught[0].message)[:120], "...")
        """
    ),
    md(
        """
        `retain_grad()` asks autograd to keep a non-leaf's gradient as well. Now run the
        backward pass. $Q$ is a vector, so we pass $\\partial \\ell / \\partial Q$ for
        $\\ell = \\sum Q$, a vector of ones. Expect $\\partial Q/\\partial a = 9a^2$ and
        $\\partial Q/\\partial b = -2b$. Then draw `Q` again: the leaves now show their
        gradients. The drawing at the top of this notebook was made with
        `as_of="cell"`, so it still shows the graph before the backward pass; one step
        forward in its timeline (▶ in its toolbar) shows it after.
        """,
        """
        `retain_grad()` 让 autograd 把非叶子的梯度也留下来。现在执行反向传播。$Q$ 是向量，
        所以我们传入 $\\ell = \\sum Q$ 对 $Q$ 的梯度，也就是全 1 向量。预期结果是 $\\partial Q/\\partial a = 9a^2$、
        $\\partial Q/\\partial b = -2b$。然后把 `Q` 再画一遍：叶子上现在显示出了梯度。
        笔记开头那张图是用 `as_of="cell"` 画的，所以仍然是反向传播之前的样子；
        在它的时间线上往后走一步（点工具栏里的 ▶），就能看到反向传播之后的样子。
        """,
    ),
    code(
        """
        Q.retain_grad()
        Q.backward(gradient=torch.ones_like(Q))
        print(a.grad, 9 * a**2)
        print(b.grad, -2 * b)
        print(Q.grad)
        """
    ),
    code(
        """
        torch.draw(Q, as_of="cell")
        """
    ),
    md(
        """
        ## Hooks: watching (and changing) gradients in flight

        `tensor.register_hook(fn)` calls `fn(grad)` when the gradient with respect to
        that tensor has been computed. Return nothing to just look; return a tensor to
        replace the gradient. Here one hook prints the gradient arriving at an
        intermediate tensor, and another halves it before it flows on to `x`.
        """,
        """
        ## 钩子：观察（甚至修改）流动中的梯度

        `tensor.register_hook(fn)` 会在算出对该张量的梯度时调用 `fn(grad)`。钩子什么都不返回，就只是旁观；
        返回一个张量，就会替换掉原来的梯度。下面一个钩子打印流到中间张量的梯度，另一个把梯度减半，再让它继续流向 `x`。
        """,
    ),
    code(
        """
        x = torch.tensor([1.0, 2.0, 3.0], requires_grad=True)
        h = x * 2
        h.register_hook(lambda grad: print("gradient arriving at h:", grad))
        h.register_hook(lambda grad: grad / 2)
        loss = (h**2).sum()
        loss.backward()
        print("x.grad:", x.grad)
        """
    ),
    md(
        """
        Without the halving hook, $\\partial loss/\\partial x = 2 \\cdot 2h = 8x = (8, 16, 24)$;
        with it we get half of that. Hooks run in the order they were registered, so the
        printing hook saw the gradient before it was halved. Tools such as gradient
        loggers and gradient clipping use hooks to watch or change gradients without
        touching the model's code.

        ## Why a second `backward()` fails

        To save memory, `backward()` frees the saved tensors as soon as they have been
        used. The graph structure is still there, but the values its nodes need are
        gone, so a second pass through the same graph raises an error:
        """,
        """
        如果没有减半的钩子，$\\partial loss/\\partial x = 2 \\cdot 2h = 8x = (8, 16, 24)$；有了它，结果正好减半。
        钩子按注册的先后顺序执行，所以打印钩子看到的是减半之前的梯度。梯度日志、梯度裁剪之类的工具，
        正是借助钩子，在不改动模型代码的情况下观察或修改梯度。

        ## 第二次 `backward()` 为什么会失败

        为了节省内存，`backward()` 用完保存的张量后会立刻释放它们。图的结构还在，但节点需要的数值已经没了，
        所以在同一张图上再做一次反向传播就会报错：
        """,
    ),
    code(
        """
        x = torch.tensor([1.0, 2.0, 3.0], requires_grad=True)
        y = (x.exp() * x).sum()
        graph = torch.draw(y)
        y.backward()
        try:
            y.backward()
        except RuntimeError as err:
            print("RuntimeError:", err)
        graph
        """
    ),
    md(
        """
        ## `retain_graph=True`

        `backward(retain_graph=True)` keeps the saved tensors, so the graph can be used
        again. Each pass **adds** to `x.grad`: after three passes it holds three times
        the gradient $(x+1)e^x$. The widget counts the backward passes through the
        graph.
        """,
        """
        ## `retain_graph=True`

        `backward(retain_graph=True)` 会保留保存的张量，这样同一张图还能再用。每做一次反向传播，
        梯度都会**累加**到 `x.grad` 上：三次之后，它等于梯度 $(x+1)e^x$ 的三倍。控件会统计这张图被反向传播了几次。
        """,
    ),
    code(
        """
        x = torch.tensor([1.0, 2.0, 3.0], requires_grad=True)
        y = (x.exp() * x).sum()
        graph = torch.draw(y)
        for _ in range(3):
            y.backward(retain_graph=True)
        print(x.grad)
        print(3 * (x + 1) * x.exp())
        graph
        """
    ),
    md(
        """
        You rarely need `retain_graph` in training code: usually the right fix is to
        rebuild the graph by running the forward pass again. It is for the cases where
        you genuinely need several backward passes through one forward pass, such as
        two losses sharing a trunk, each with its own `backward()`.
        """,
        """
        训练代码里很少真的需要 `retain_graph`：通常正确的做法是重新跑一遍前向传播，把图重建出来。
        它适用于确实要在一次前向传播上做多次反向传播的场合，比如两个损失共用一个主干网络，各自调用 `backward()`。
        """,
    ),
    md(
        """
        ## Step through backward

        `backward()` runs the nodes one at a time: the engine starts at the output and
        runs a node as soon as every gradient it waits for has arrived. A graph widget
        records each backward pass that runs while it is on screen, and lets you replay
        it node by node (nothing is computed again). Take the example of tutorial 1:
        """,
        """
        ## 逐步查看反向传播

        `backward()` 一次运行一个节点：引擎从输出开始，某个节点等待的梯度一旦全部到齐，就运行它。
        图控件会把它显示期间发生的每一次反向传播记录下来，让你逐个节点地回放（不会重新计算任何东西）。
        以第一讲的例子为例：
        """,
    ),
    code(
        """
        x = torch.ones(2, 2, requires_grad=True)
        out = ((x**2) * 3).mean()
        steps = torch.draw(out)
        out.backward()
        steps
        """
    ),
    md(
        """
        Under the toolbar, click **▶ step through backward**, then press → and ← (or use
        the « ◀ ▶ » buttons). The node being executed has an orange border, the nodes
        that already ran a green one, and every edge that has carried a gradient shows
        the gradient's shape, here `[2, 2]`. The panel above the graph shows the values:
        what the node received and what it sent along each edge; hover over an edge to
        see the gradient it carried. At `AccumulateGrad` the panel shows the leaf's
        `.grad` before, plus the incoming gradient, equals after. A gradient that a hook
        changed is marked ⚓.

        The same from Python: `backward_steps` lists the recorded passes, each node the
        engine ran with the gradients it sent, and `step_to(k)` shows the state after
        `k` nodes. After the cell below, the widget above shows step 2: `MulBackward0`
        has just run; it received $0.25$ everywhere from `MeanBackward0` (the mean of 4
        numbers) and sent $3 \times 0.25 = 0.75$ on to `PowBackward0`.
        """,
        """
        在工具栏下方点击 **▶ 逐步查看反向传播**，然后按 → 和 ←（或者用 « ◀ ▶ » 按钮）。
        正在执行的节点带橙色边框，已经运行过的节点带绿色边框；每条已经传过梯度的边上都标着梯度的形状，这里是 `[2, 2]`。
        图上方的面板显示具体数值：节点收到了什么、沿每条边传出了什么；把鼠标移到一条边上，可以看到它传递的梯度。
        到了 `AccumulateGrad`，面板显示叶子的 `.grad`：之前的值加上传入的梯度，等于之后的值。被钩子改变过的梯度会标上 ⚓。

        在 Python 里也一样：`backward_steps` 列出记录下来的每次反向传播，其中有引擎运行的每个节点以及它传出的梯度；
        `step_to(k)` 显示前 `k` 个节点运行之后的状态。运行下面的单元格之后，上面的控件显示第 2 步：`MulBackward0` 刚刚运行，
        它从 `MeanBackward0` 收到处处为 $0.25$ 的梯度（4 个数的平均值），再把 $3 \times 0.25 = 0.75$ 传给 `PowBackward0`。
        """,
    ),
    code(
        """
        (last_pass,) = steps.backward_steps
        for step in last_pass["steps"]:
            print(step["order"], step["label"], [e["grad"]["shape"] for e in step["edges"]])
        print(last_pass["steps"][-1]["leaf"]["after"]["value"])
        steps.step_to(2)
        """
    ),
    md(
        """
        ## Summary

        * A `grad_fn` lists where gradients go next in `next_functions`; branches end at
          `AccumulateGrad` nodes (leaves) or `None` (constants).
        * Nodes save what their derivative needs (`_saved_self`, `_saved_result`, ...),
          and `backward()` frees it unless you pass `retain_graph=True`.
        * Only leaves get `.grad`, unless you call `retain_grad()`.
        * Hooks let you observe or rewrite gradients as they flow.
        * A graph widget replays each backward pass node by node, with the gradient on
          every edge (`backward_steps`, `step_to`).

        Next: **3. Grad modes**, switching recording off and on per cell.
        """,
        """
        ## 小结

        * `grad_fn` 在 `next_functions` 中列出梯度下一步的去向；分支的尽头要么是 `AccumulateGrad` 节点（叶子），要么是 `None`（常数）。
        * 节点会保存求导所需的数值（`_saved_self`、`_saved_result` 等），`backward()` 之后它们就被释放，除非传入 `retain_graph=True`。
        * 只有叶子才有 `.grad`，除非调用了 `retain_grad()`。
        * 钩子可以在梯度流动时观察甚至改写它。
        * 图控件可以逐个节点地回放每次反向传播，每条边上都有梯度（`backward_steps`、`step_to`）。

        下一讲：**3. 梯度模式**，按单元格开关计算图的记录。
        """,
    ),
]
