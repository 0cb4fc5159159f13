"""Tutorial 3: grad modes per cell / 梯度模式."""

from _cells import code, md

CELLS = [
    md(
        """
        # 3. Grad modes

        Autograd records operations only while **grad mode** is on. Turning it off is
        how you evaluate a model, update weights by hand, or run inference without
        paying for a graph you will never use. PyTorch gives you context managers for
        this; in a notebook you often want it *per cell*. This tutorial covers both:
        the `%%no_grad`, `%%enable_grad`, `%grad_mode` and `%%autograd_graph` magics,
        the `GradModeToggle` widget, the plain-Python equivalents, `inference_mode`,
        and how much memory `no_grad` really saves.
        """,
        """
        # 3. 梯度模式

        只有在**梯度模式**打开时，autograd 才会记录运算。关掉它，是评估模型、手动更新权重、
        或者做推理时的常规操作——反正用不到计算图，何必为它付出代价。PyTorch 为此提供了上下文管理器；
        而在 notebook 里，我们常常希望*按单元格*来切换。这一讲两种方式都会讲到：魔法命令 `%%no_grad`、`%%enable_grad`、
        `%grad_mode` 和 `%%autograd_graph`，`GradModeToggle` 控件，与之等价的纯 Python 写法，`inference_mode`，
        以及 `no_grad` 到底能省下多少内存。
        """,
    ),
    code(
        """
        import autograd_widgets as torch

        %load_ext autograd_widgets
        """
    ),
    md(
        """
        `%load_ext autograd_widgets` registers the magics. Grad mode is on by default:
        """,
        """
        `%load_ext autograd_widgets` 注册了这些魔法命令。梯度模式默认是打开的：
        """,
    ),
    code(
        """
        w = torch.tensor([1.0, 2.0, 3.0], requires_grad=True)
        print(torch.is_grad_enabled())
        print((w * 2).requires_grad)
        """
    ),
    md(
        """
        ## One cell without grad: `%%no_grad`

        Put `%%no_grad` on the first line of a cell and that cell, and only that cell,
        runs with grad mode off. Results computed inside have no `grad_fn`, even though
        `w` requires grad. The mode comes back afterwards, even if the cell raises an
        error.
        """,
        """
        ## 单个单元格关闭梯度：`%%no_grad`

        在单元格第一行写上 `%%no_grad`，这个单元格（也只有这个单元格）会在梯度模式关闭的状态下运行。
        里面算出来的结果没有 `grad_fn`，尽管 `w` 本身需要梯度。单元格结束后模式自动恢复，即使单元格中途报错也一样。
        """,
    ),
    code(
        """
        %%no_grad
        y = w * 2
        print(torch.is_grad_enabled())
        print(y.requires_grad, y.grad_fn)
        """
    ),
    code(
        """
        print(torch.is_grad_enabled())
        print((w * 2).requires_grad)
        """
    ),
    md(
        """
        ## Switching for the following cells: `%grad_mode`

        `%grad_mode off` switches grad mode off for the cells that follow, until
        `%grad_mode on`. Without an argument it prints the current mode. Inside such a
        stretch, `%%enable_grad` turns recording back on for a single cell.
        """,
        """
        ## 对后续单元格生效：`%grad_mode`

        `%grad_mode off` 会关闭梯度模式，对之后的所有单元格生效，直到遇到 `%grad_mode on`。不带参数时，它打印当前的模式。
        在关闭期间，可以用 `%%enable_grad` 让某一个单元格重新开始记录。
        """,
    ),
    code(
        """
        %grad_mode off
        """
    ),
    code(
        """
        %grad_mode
        print((w * 2).requires_grad)
        """
    ),
    code(
        """
        %%enable_grad
        print((w * 2).requires_grad)
        """
    ),
    code(
        """
        %grad_mode on
        print((w * 2).requires_grad)
        """
    ),
    md(
        """
        ## A switch you can click: `GradModeToggle`

        `GradModeToggle()` shows the grad mode that the *next* cells will run in, and
        clicking it flips the mode. The change takes effect when the next cell starts,
        never in the middle of a running one. It also follows changes made by the
        magics or by code, and several toggles in one notebook stay in sync.

        Try it: click the toggle to *off*, run the cell after it, then click it back
        *on*.
        """,
        """
        ## 可以点击的开关：`GradModeToggle`

        `GradModeToggle()` 显示*接下来*的单元格将在哪种梯度模式下运行，点击它就能切换。
        切换在下一个单元格开始运行时生效，绝不会打断正在运行的单元格。魔法命令或代码改变了模式，它也会同步显示；
        同一本笔记里放几个开关，它们的状态始终一致。

        动手试试：把开关点成 *off*，运行它后面的单元格，然后再点回 *on*。
        """,
    ),
    code(
        """
        from autograd_widgets import GradModeToggle

        GradModeToggle()
        """
    ),
    code(
        """
        y = w * 2
        print("grad mode:", torch.is_grad_enabled(), "| y.grad_fn:", y.grad_fn)
        """
    ),
    md(
        """
        ## Recording one cell: `%%autograd_graph`

        `%%autograd_graph` runs the cell while recording, then shows a live graph of
        everything the cell built, labelled with the cell's variable names.
        Operations done under `no_grad` appear as faded "ghost" nodes: they happened,
        but autograd did not record them, so no gradient flows through them.
        """,
        """
        ## 记录一个单元格：`%%autograd_graph`

        `%%autograd_graph` 在记录状态下运行整个单元格，然后把单元格里构建的一切画成一张实时计算图，
        节点上标着单元格里的变量名。在 `no_grad` 下做的运算会显示成半透明的“幽灵”节点：
        它们确实发生了，但 autograd 没有记录，梯度也不会从那里流过。
        """,
    ),
    code(
        """
        %%autograd_graph
        weight = torch.tensor([[0.5, -1.0], [2.0, 0.3]], requires_grad=True)
        inputs = torch.tensor([1.0, 2.0])
        hidden = torch.tanh(weight @ inputs)
        with torch.no_grad():
            scale = hidden.abs().max()
        loss = (hidden / scale).sum()
        """
    ),
    md(
        """
        ## The same in plain Python

        The magics are conveniences over PyTorch's own API, which works everywhere
        (scripts, tests, functions):

        * `with torch.no_grad():` / `with torch.enable_grad():` for a block;
        * `@torch.no_grad()` to decorate a function;
        * `torch.set_grad_enabled(flag)`, as a function or a context manager, when the
          mode depends on a variable (for example `is_training`).
        """,
        """
        ## 纯 Python 的写法

        魔法命令只是 PyTorch 自身 API 的便捷包装；而 PyTorch 的 API 在任何地方（脚本、测试、函数里）都能用：

        * 对一段代码：`with torch.no_grad():` / `with torch.enable_grad():`；
        * 修饰一个函数：`@torch.no_grad()`；
        * 模式取决于某个变量（比如 `is_training`）时：`torch.set_grad_enabled(flag)`，既可以当函数调用，也可以当上下文管理器用。
        """,
    ),
    code(
        """
        @torch.no_grad()
        def predict(x):
            return x * w


        print(predict(torch.ones(3)).requires_grad)

        is_training = False
        with torch.set_grad_enabled(is_training):
            print((w * 2).requires_grad)

        with torch.no_grad():
            with torch.enable_grad():
                print((w * 2).requires_grad)
        """
    ),
    md(
        """
        ## Inference

        `torch.inference_mode()` is `no_grad` taken further: PyTorch also skips the
        bookkeeping that would let the results be used in autograd later, so use it
        when you are sure the outputs will never need gradients, as in serving a model.
        Here is a small model making predictions:
        """,
        """
        ## 推理

        `torch.inference_mode()` 是更彻底的 `no_grad`：PyTorch 连“以后让这些结果参与求导”所需的簿记工作也一并省掉了。
        所以只有在确定输出永远不需要梯度时才用它，比如部署模型、对外提供预测。下面用一个小模型做预测：
        """,
    ),
    code(
        """
        torch.manual_seed(0)
        model = torch.nn.Sequential(torch.nn.Linear(4, 8), torch.nn.ReLU(), torch.nn.Linear(8, 2))
        batch = torch.randn(5, 4)

        with torch.inference_mode():
            prediction = model(batch)
        print(prediction.requires_grad, prediction.grad_fn)
        print(prediction.argmax(dim=1))
        """
    ),
    md(
        """
        ## How much memory does `no_grad` save?

        With grad mode on, every intermediate result that a backward formula needs is
        kept alive by the graph until `backward()` runs. Below, a batch goes through
        eight `tanh` layers: `tanh` saves its output (its derivative is $1 - \\tanh^2$)
        and the next matrix product saves the same tensor as its input, so each layer
        keeps one activation alive. Under `no_grad` each activation is freed as soon as
        the next layer has used it.

        autograd_widgets stores tensors in numpy arrays, whose memory Python's
        `tracemalloc` can see, so we can measure what stays allocated. (On real PyTorch
        the tensors live outside Python's allocator and `tracemalloc` reports almost
        nothing; use a profiler there.)
        """,
        """
        ## `no_grad` 能省多少内存？

        梯度模式打开时，反向公式用得到的每一个中间结果，都会被计算图一直留着，直到 `backward()` 执行。
        下面让一批数据前向经过八层 `tanh`：`tanh` 保存自己的输出（它的导数是 $1 - \\tanh^2$），
        下一层的矩阵乘法又把同一个张量作为输入保存起来，所以每一层都会留下一份激活值。
        而在 `no_grad` 下，每份激活值在下一层用完之后立刻就被释放。

        autograd_widgets 把张量存放在 numpy 数组里，这部分内存 Python 的 `tracemalloc` 看得见，
        所以我们可以测出还有多少内存被占着。（在真正的 PyTorch 上，张量的内存不经过 Python 的分配器，
        `tracemalloc` 几乎什么也看不到；那里要用性能分析工具。）
        """,
    ),
    code(
        """
        import tracemalloc

        weights = [(torch.randn(256, 256) / 16).requires_grad_() for _ in range(8)]
        batch = torch.randn(512, 256)


        def forward(x):
            for weight in weights:
                x = torch.tanh(x @ weight)
            return x.sum()


        def held():
            return f"{tracemalloc.get_traced_memory()[0] / 2**20:5.1f} MiB"


        tracemalloc.start()
        out = forward(batch)
        print("after forward, grad mode on:", held())
        out.backward()
        print("after backward():           ", held())
        del out
        tracemalloc.stop()

        tracemalloc.start()
        with torch.no_grad():
            out = forward(batch)
        print("after forward under no_grad:", held())
        tracemalloc.stop()
        """
    ),
    md(
        """
        One activation here is $512 \\times 256$ float32 numbers, 0.5 MiB, so eight
        layers hold about 4 MiB until `backward()` frees them. What remains after
        `backward()` is the weights' new `.grad` tensors, 8 × 0.25 MiB. Under
        `no_grad` almost nothing is held.
        """,
        """
        这里每份激活值是 $512 \\times 256$ 个 float32，也就是 0.5 MiB，八层加起来大约 4 MiB，
        直到 `backward()` 才被释放。`backward()` 之后剩下的，是权重新得到的 `.grad`，共 8 × 0.25 MiB。
        而在 `no_grad` 下，几乎什么都不用留。
        """,
    ),
    md(
        """
        ## Summary

        * Grad mode decides whether operations are recorded; `torch.is_grad_enabled()`
          tells you the current mode.
        * In a notebook: `%%no_grad` / `%%enable_grad` for one cell, `%grad_mode on|off`
          for the following cells, `GradModeToggle()` to see and flip it, and
          `%%autograd_graph` to draw what one cell built.
        * In code: `no_grad`, `enable_grad`, `set_grad_enabled`, `inference_mode`.
        * Evaluation under `no_grad` does not keep activations alive.

        Next: **4. Train a network** puts all of this to work.
        """,
        """
        ## 小结

        * 梯度模式决定运算是否被记录；`torch.is_grad_enabled()` 可以查看当前模式。
        * 在 notebook 里：`%%no_grad` / `%%enable_grad` 作用于单个单元格，`%grad_mode on|off` 作用于后续单元格，
          `GradModeToggle()` 用来查看和切换模式，`%%autograd_graph` 画出一个单元格构建的计算图。
        * 在代码里：`no_grad`、`enable_grad`、`set_grad_enabled`、`inference_mode`。
        * 在 `no_grad` 下做评估，不会把激活值留在内存里。

        下一讲：**4. 训练神经网络**，把这些知识用起来。
        """,
    ),
]
