"""Tutorial 4: train a small network / 训练神经网络."""

from textwrap import dedent

from _cells import code, md
from _digits import DIGITS_CODE

CELLS = [
    md(
        """
        # 4. Train a network

        Time to use autograd for what it was built for. We train a small multilayer
        perceptron to read handwritten digits, with the same `nn`, `optim` and
        `DataLoader` code you would write for PyTorch, and watch it learn: the graph of
        one training step, a weight matrix and its gradient changing live, and a loss
        curve that grows while the loop runs. Then we make a famous problem visible:
        **vanishing gradients** in a deep network with sigmoid activations, and how
        ReLU avoids them.

        The data is made right here: 1,800 images of 8×8 pixels, each a digit drawn
        from a tiny font with a random slant, pen width, gaps and noise, so it looks
        handwritten. No download, no data library.
        """,
        """
        # 4. 训练神经网络

        是时候让 autograd 干它的本职工作了。我们训练一个小型多层感知机来识别手写数字，
        用的 `nn`、`optim`、`DataLoader` 代码和在 PyTorch 里写的一模一样，并且全程看着它学习：
        一步训练的计算图、一个权重矩阵和它的梯度实时变化、一条随着训练循环不断延伸的损失曲线。
        最后，我们把一个著名的问题直观地展示出来：深层网络用 sigmoid 激活时的**梯度消失**，以及 ReLU 为什么能避免它。

        数据就在这里现场生成：1800 张 8×8 像素的图片，每张都是从一套小字体里取出一个数字，
        再随机加上倾斜、笔画粗细、断笔和噪点，看起来就像手写的一样。不用下载，也不需要任何数据集库。
        """,
    ),
    code(
        """
        import autograd_widgets as torch
        from autograd_widgets import TensorView, nn, optim

        torch.manual_seed(0);
        """
    ),
    md(
        """
        In PyTorch these imports read `from torch import nn, optim` and
        `from torch.utils.data import ...`; the rest of the notebook is unchanged.

        ## The data

        Each image is drawn at 16×16 and scanned down to 8×8 with pixel values from
        0 to 16; we scale them to [0, 1] and keep 20% of the images aside to test on.
        """,
        """
        换成 PyTorch 时，这几行导入写成 `from torch import nn, optim` 和 `from torch.utils.data import ...`，其余代码一字不改。

        ## 数据

        每张图先画成 16×16，再“扫描”缩小成 8×8，像素值在 0 到 16 之间；我们把它缩放到 [0, 1]，并留出 20% 的图片做测试集。
        """,
    ),
    code(
        DIGITS_CODE
        + dedent(
            """
            X_train = torch.tensor(X_train, dtype=torch.float32)
            X_test = torch.tensor(X_test, dtype=torch.float32)
            y_train = torch.tensor(y_train)
            y_test = torch.tensor(y_test)
            print(X_train.shape, y_train.shape, y_train.dtype)
            print("label of the first image:", y_train[0].item())
            """
        )
    ),
    md(
        """
        A `DataLoader` cuts the training set into shuffled mini-batches of 64, a new
        order every epoch:
        """,
        """
        `DataLoader` 把训练集打乱并切成每批 64 张的小批量，每个 epoch 的顺序都不一样：
        """,
    ),
    code(
        """
        from autograd_widgets.utils.data import DataLoader, TensorDataset

        train_set = TensorDataset(X_train, y_train)
        loader = DataLoader(train_set, batch_size=64, shuffle=True)
        images, labels = next(iter(loader))
        print(len(loader), "batches;", images.shape, labels[:10])
        """
    ),
    md(
        """
        `TensorView` shows the first image as a heatmap of its 64 pixels:
        """,
        """
        用 `TensorView` 把第一张图片的 64 个像素画成热力图：
        """,
    ),
    code(
        """
        TensorView(X_train[0].reshape(8, 8))
        """
    ),
    md(
        """
        ## The model

        64 inputs, one hidden layer of 64 units with ReLU, and 10 outputs, one score
        (logit) per digit. `cross_entropy` turns the scores into a loss.
        """,
        """
        ## 模型

        64 个输入，一个 64 单元、带 ReLU 的隐藏层，10 个输出，每个数字对应一个得分（logit）。
        `cross_entropy` 把这些得分变成损失。
        """,
    ),
    code(
        """
        model = nn.Sequential(nn.Linear(64, 64), nn.ReLU(), nn.Linear(64, 10))
        print(model)
        """
    ),
    md(
        """
        Here is the graph of the loss for a batch of 8 images. Each `nn.Linear` shows up
        as an `AddmmBackward0` node (a matrix product plus the bias) fed by a
        transposed weight (`TBackward0`), and `cross_entropy` is `LogSoftmaxBackward0`
        followed by `NllLossBackward0`. The weights and biases are the
        `AccumulateGrad` leaves: they are what the optimizer will update.
        """,
        """
        下面是 8 张图片组成的一个批次上损失的计算图。每个 `nn.Linear` 对应一个 `AddmmBackward0` 节点
        （矩阵乘法加偏置），它的输入之一是转置后的权重（`TBackward0`）；`cross_entropy` 则是
        `LogSoftmaxBackward0` 后面接 `NllLossBackward0`。权重和偏置就是那些 `AccumulateGrad` 叶子：优化器要更新的正是它们。
        """,
    ),
    code(
        """
        loss = nn.functional.cross_entropy(model(X_train[:8]), y_train[:8])
        print(loss)
        torch.draw(loss, rankdir="LR", as_of="cell")
        """
    ),
    md(
        """
        ## A loss curve without a plotting library

        To watch the loss while training we need a plot that can be redrawn in place.
        A dozen lines of SVG are enough, and `display(..., display_id=True)` gives us a
        handle whose `update()` replaces the picture.
        """,
        """
        ## 不用绘图库的损失曲线

        想在训练时看着损失变化，需要一张能原地重画的图。十几行 SVG 代码就够了；
        `display(..., display_id=True)` 返回一个句柄，调用它的 `update()` 就能替换掉原来的图片。
        """,
    ),
    code(
        """
        from IPython.display import SVG, display


        def plot(curves, title="", width=560, height=220):
            \"\"\"Draw {label: [y0, y1, ...]} as SVG lines.\"\"\"
            values = [v for ys in curves.values() for v in ys] or [0.0]
            low, high = min(values), max(values)
            span = (high - low) or 1.0
            n = max([len(ys) for ys in curves.values()] + [2])

            def xy(i, v):
                return f"{50 + (width - 70) * i / (n - 1):.1f},{height - 25 - (height - 60) * (v - low) / span:.1f}"

            svg = [
                f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" font-family="sans-serif" font-size="12">',
                f'<rect width="{width}" height="{height}" fill="white" stroke="#bbb"/><text x="8" y="16">{title}</text>',
                f'<text x="4" y="40">{high:.3g}</text><text x="4" y="{height - 22}">{low:.3g}</text>',
            ]
            for row, (label, ys) in enumerate(curves.items()):
                color = ["#1f77b4", "#d62728", "#2ca02c"][row % 3]
                points = " ".join(xy(i, v) for i, v in enumerate(ys))
                last = f": {ys[-1]:.3g}" if ys else ""
                svg.append(f'<polyline fill="none" stroke="{color}" stroke-width="2" points="{points}"/>')
                legend = f'<text x="{width - 170}" y="{16 + 15 * row}" fill="{color}">'
                svg.append(f"{legend}{label}{last}</text>")
            return SVG("".join(svg) + "</svg>")
        """
    ),
    md(
        """
        ## Training, watched live

        The view below shows the output layer's weights and their `.grad`. Keep it in
        sight while the next cell runs: after every `backward()` the gradient changes,
        and after every `optimizer.step()` the weights move against it.
        """,
        """
        ## 实时观察训练过程

        下面的视图显示输出层的权重以及它们的 `.grad`。运行下一个单元格时盯着它看：
        每次 `backward()` 之后梯度都会变，每次 `optimizer.step()` 之后权重都会朝梯度的反方向挪一点。
        """,
    ),
    code(
        """
        TensorView(model[2].weight)
        """
    ),
    md(
        """
        The loop is the standard one: for each mini-batch, clear the old gradients,
        compute the loss, `backward()`, `step()`; `train_one_epoch` does that once
        over the whole training set. After each epoch we evaluate on the test set
        under `no_grad` and redraw the curves.
        """,
        """
        训练循环是标准写法：对每个小批量，先清空旧梯度，算出损失，调用 `backward()`，再 `step()`；
        `train_one_epoch` 把整个训练集这样过一遍。每个 epoch 结束后，在 `no_grad` 下用测试集评估一次，并重画曲线。
        """,
    ),
    code(
        """
        def train_one_epoch(model, optimizer):
            total = 0.0
            for images, labels in loader:
                optimizer.zero_grad()
                loss = nn.functional.cross_entropy(model(images), labels)
                loss.backward()
                optimizer.step()
                total += loss.item() * len(labels)
            return total / len(train_set)


        def evaluate(model):
            with torch.no_grad():
                logits = model(X_test)
                loss = nn.functional.cross_entropy(logits, y_test).item()
                accuracy = (logits.argmax(dim=1) == y_test).float().mean().item()
            return loss, accuracy


        optimizer = optim.SGD(model.parameters(), lr=0.05, momentum=0.9)
        history = {"train loss": [], "test loss": []}
        chart = display(plot(history, "cross-entropy per epoch"), display_id=True)

        for epoch in range(20):
            history["train loss"].append(train_one_epoch(model, optimizer))
            test_loss, accuracy = evaluate(model)
            history["test loss"].append(test_loss)
            chart.update(plot(history, "cross-entropy per epoch"))
            if epoch % 5 == 4:
                print(f"epoch {epoch + 1}: test accuracy {accuracy:.1%}")
        """
    ),
    md(
        """
        A few lines of PyTorch, and more than 90% of the test digits are read correctly.

        ## Vanishing gradients, made visible

        Gradients flow backwards through every layer, and at each activation they are
        multiplied by its derivative. The sigmoid's derivative is at most 0.25, so in a
        deep sigmoid network the gradient shrinks layer after layer on its way back to
        the input; the early layers barely learn. ReLU's derivative is exactly 1
        wherever a unit is active, so the gradient keeps its size.

        Let's build two 8-layer networks that differ only in the activation, give both
        the same initial weights (He initialisation, suited to ReLU), run one
        backward pass, and compare the gradient norm of every layer's weights.
        """,
        """
        寥寥几行 PyTorch 代码，测试集上就有九成以上的数字能认对了。

        ## 让梯度消失看得见

        梯度要反向穿过每一层，每经过一个激活函数，就要乘上它的导数。sigmoid 的导数最大只有 0.25，
        所以在用 sigmoid 的深层网络里，梯度在传回输入端的路上一层比一层小，靠前的几层几乎学不到东西。
        ReLU 在单元激活时导数恰好是 1，梯度的大小就能保持住。

        我们搭两个 8 层网络，除了激活函数之外完全相同，用同样的初始权重（适合 ReLU 的 He 初始化），
        各做一次反向传播，再比较每一层权重梯度的范数。
        """,
    ),
    code(
        """
        import math


        def deep_net(activation, depth=8, width=32):
            layers = [nn.Linear(64, width), activation()]
            for _ in range(depth - 2):
                layers += [nn.Linear(width, width), activation()]
            layers.append(nn.Linear(width, 10))
            net = nn.Sequential(*layers)
            for layer in net:
                if isinstance(layer, nn.Linear):
                    nn.init.kaiming_normal_(layer.weight, nonlinearity="relu")
                    nn.init.zeros_(layer.bias)
            return net


        def layer_grad_norms(net):
            return [layer.weight.grad.norm().item() for layer in net if isinstance(layer, nn.Linear)]


        norms = {}
        for activation in (nn.Sigmoid, nn.ReLU):
            torch.manual_seed(0)
            net = deep_net(activation)
            nn.functional.cross_entropy(net(X_train[:256]), y_train[:256]).backward()
            norms[activation.__name__] = layer_grad_norms(net)

        print("layer   sigmoid      relu")
        for i, (s, r) in enumerate(zip(norms["Sigmoid"], norms["ReLU"]), start=1):
            print(f"{i:>5}   {s:.1e}   {r:.1e}")

        plot(
            {name: [math.log10(g) for g in values] for name, values in norms.items()},
            "log10 of each layer's gradient norm (1 = input)",
        )
        """
    ),
    md(
        """
        With sigmoid, the first layer's gradient is thousands of times smaller than the
        last layer's; with ReLU they stay within the same order of magnitude. Does
        it matter? Train both networks the same way for five epochs:
        """,
        """
        用 sigmoid 时，第一层的梯度比最后一层小了几千倍；用 ReLU 时，各层梯度都在同一个数量级。
        这有多大影响？用同样的方式把两个网络各训练五个 epoch 看看：
        """,
    ),
    code(
        """
        curves = {}
        chart = display(plot(curves, "training loss per epoch"), display_id=True)
        for activation in (nn.Sigmoid, nn.ReLU):
            torch.manual_seed(0)
            net = deep_net(activation)
            optimizer = optim.SGD(net.parameters(), lr=0.02, momentum=0.9)
            curve = curves[activation.__name__] = []
            for _ in range(5):
                curve.append(train_one_epoch(net, optimizer))
                chart.update(plot(curves, "training loss per epoch"))
            print(f"{activation.__name__:>8}: test accuracy {evaluate(net)[1]:.1%}")
        """
    ),
    md(
        """
        The sigmoid network is stuck near $\\ln 10 \\approx 2.30$, the loss of guessing
        uniformly among ten digits, while the ReLU network learns. The usual remedies
        for vanishing gradients are exactly what modern networks use: ReLU-like
        activations, initialisation matched to the activation, normalisation layers
        (`nn.LayerNorm`, `nn.BatchNorm1d`) and residual connections.

        ## Summary

        * A training step is `zero_grad()`, forward, loss, `backward()`, `step()`; the
          graph of that step is rebuilt on every iteration.
        * Evaluate under `no_grad`.
        * Per-layer gradient norms are a quick health check: they reveal vanishing
          (and exploding) gradients before the loss curve does.

        Next: **5. Custom functions and higher-order derivatives**.
        """,
        """
        sigmoid 网络的损失卡在 $\\ln 10 \\approx 2.30$ 附近——这正是在十个数字里随机瞎猜的损失；而 ReLU 网络在稳步学习。
        对付梯度消失的常用办法，恰恰就是现代网络的标配：ReLU 一类的激活函数、与激活函数相匹配的初始化、
        归一化层（`nn.LayerNorm`、`nn.BatchNorm1d`）以及残差连接。

        ## 小结

        * 一步训练就是 `zero_grad()`、前向计算、算损失、`backward()`、`step()`；每次迭代都会重新构建这一步的计算图。
        * 评估要放在 `no_grad` 下进行。
        * 逐层的梯度范数是一个简便的体检指标：它能比损失曲线更早暴露梯度消失（以及梯度爆炸）。

        下一讲：**5. 自定义函数与高阶导数**。
        """,
    ),
]
