"""Tutorial 5: custom autograd.Function, gradcheck, higher-order derivatives / 自定义函数与高阶导数."""

from _cells import code, md

CELLS = [
    md(
        """
        # 5. Custom functions and higher-order derivatives

        Autograd knows the derivative of every built-in operation. Sometimes you want
        to give it your own: for an operation it does not know, for a backward pass
        that is cheaper or more stable than the one it would derive, or for a
        deliberately "wrong" gradient such as the straight-through estimator. That is
        what `torch.autograd.Function` is for. You will write a few, check them with
        `gradcheck`, and then differentiate *derivatives*: with `create_graph=True`
        the backward pass is itself recorded, so you can take second and third
        derivatives, Hessians, and Newton steps.
        """,
        """
        # 5. 自定义函数与高阶导数

        autograd 知道每个内置运算的导数。但有时你想亲自告诉它导数是什么：也许这个运算它不认识，
        也许你有比它自动推出来的更省算力、数值上更稳定的反向算法，又或者你就是想要一个“故意不对”的梯度，
        比如直通估计器（straight-through estimator）。`torch.autograd.Function` 就是为此准备的。
        这一讲我们先写几个自定义函数，用 `gradcheck` 检验它们；然后对*导数本身*求导：
        加上 `create_graph=True`，反向传播本身也会被记录下来，于是就能求二阶、三阶导数、Hessian 矩阵，还能做牛顿迭代。
        """,
    ),
    code(
        """
        import autograd_widgets as torch
        from autograd_widgets.autograd import Function, gradcheck, gradgradcheck

        torch.manual_seed(0);
        """
    ),
    md(
        """
        ## A first `Function`

        A `Function` is a class with two static methods. `forward(ctx, ...)` computes
        the result from plain tensors and stores on `ctx` whatever `backward` will
        need; `backward(ctx, grad_output)` receives the gradient of the loss with
        respect to the output and returns the gradient with respect to each input.

        For $e^x$ the derivative is the result itself, so we save the output:
        """,
        """
        ## 第一个 `Function`

        `Function` 是一个带两个静态方法的类。`forward(ctx, ...)` 用普通张量算出结果，
        并把 `backward` 将来要用的东西存到 `ctx` 上；`backward(ctx, grad_output)` 接收损失对输出的梯度，
        返回损失对每个输入的梯度。

        $e^x$ 的导数就是它自己，所以我们把输出保存下来：
        """,
    ),
    code(
        """
        class MyExp(Function):
            @staticmethod
            def forward(ctx, x):
                result = x.exp()
                ctx.save_for_backward(result)
                return result

            @staticmethod
            def backward(ctx, grad_output):
                (result,) = ctx.saved_tensors
                return grad_output * result
        """
    ),
    md(
        """
        Call it with `MyExp.apply(x)`, never `MyExp()(x)` or `MyExp.forward(...)`.
        The result's `grad_fn` is a `MyExpBackward` node, and it appears in the graph
        like any built-in operation:
        """,
        """
        调用时要写 `MyExp.apply(x)`，不要写 `MyExp()(x)`，也不要直接调用 `MyExp.forward(...)`。
        结果的 `grad_fn` 是一个 `MyExpBackward` 节点，它在计算图里的样子和内置运算没有两样：
        """,
    ),
    code(
        """
        x = torch.tensor([0.0, 1.0, 2.0], requires_grad=True)
        y = MyExp.apply(x)
        loss = (y * 3).sum()
        print(y)
        graph = torch.draw(loss)
        graph
        """
    ),
    code(
        """
        loss.backward()
        print(x.grad)
        print(3 * x.exp())
        """
    ),
    md(
        """
        ## Checking a backward with `gradcheck`

        A hand-written backward is easy to get subtly wrong. `gradcheck` compares it
        with finite differences, $\\frac{f(x+\\epsilon)-f(x-\\epsilon)}{2\\epsilon}$, for every
        input element. Use float64 inputs: in float32 the finite differences are too
        noisy to be compared tightly.
        """,
        """
        ## 用 `gradcheck` 检验反向传播

        手写的 backward 很容易出一些不易察觉的错。`gradcheck` 会对每个输入元素用有限差分
        $\\frac{f(x+\\epsilon)-f(x-\\epsilon)}{2\\epsilon}$ 和你的 backward 做比较。输入要用 float64：
        float32 下有限差分的噪声太大，没法严格比较。
        """,
    ),
    code(
        """
        x64 = torch.randn(4, dtype=torch.float64, requires_grad=True)
        print(gradcheck(MyExp.apply, (x64,)))
        """
    ),
    md(
        """
        Now a buggy version whose backward has a stray factor of 2. With
        `raise_exception=False`, `gradcheck` just returns `False`; by default it raises
        an error that shows both Jacobians, so you can see what went wrong:
        """,
        """
        再看一个有 bug 的版本：它的 backward 多乘了一个 2。加上 `raise_exception=False` 时，`gradcheck` 只返回 `False`；
        默认情况下它会抛出异常，并把两个雅可比矩阵都打印出来，一眼就能看出错在哪里：
        """,
    ),
    code(
        """
        class BuggyExp(Function):
            @staticmethod
            def forward(ctx, x):
                result = x.exp()
                ctx.save_for_backward(result)
                return result

            @staticmethod
            def backward(ctx, grad_output):
                (result,) = ctx.saved_tensors
                return 2 * grad_output * result


        print(gradcheck(BuggyExp.apply, (x64,), raise_exception=False))
        try:
            gradcheck(BuggyExp.apply, (x64,))
        except RuntimeError as err:
            print(type(err).__name__ + ":", err)
        """
    ),
    md(
        """
        ## Several inputs: `needs_input_grad`

        `backward` returns one gradient per input of `forward`, in the same order
        (`None` for inputs that need none). `ctx.needs_input_grad` tells you which
        ones are actually wanted, so you can skip work. This is a linear layer,
        $y = xW^\\top + b$, written by hand:
        """,
        """
        ## 多个输入：`needs_input_grad`

        `backward` 要按 `forward` 输入的顺序，为每个输入返回一个梯度（不需要梯度的输入返回 `None`）。
        `ctx.needs_input_grad` 告诉你哪些梯度是真正需要的，不需要的就可以省掉不算。
        下面手写一个线性层 $y = xW^\\top + b$：
        """,
    ),
    code(
        """
        class LinearFunction(Function):
            @staticmethod
            def forward(ctx, input, weight, bias):
                ctx.save_for_backward(input, weight)
                return input @ weight.T + bias

            @staticmethod
            def backward(ctx, grad_output):
                input, weight = ctx.saved_tensors
                grad_input = grad_weight = grad_bias = None
                if ctx.needs_input_grad[0]:
                    grad_input = grad_output @ weight
                if ctx.needs_input_grad[1]:
                    grad_weight = grad_output.T @ input
                if ctx.needs_input_grad[2]:
                    grad_bias = grad_output.sum(0)
                return grad_input, grad_weight, grad_bias


        inputs = (
            torch.randn(5, 3, dtype=torch.float64, requires_grad=True),
            torch.randn(2, 3, dtype=torch.float64, requires_grad=True),
            torch.randn(2, dtype=torch.float64, requires_grad=True),
        )
        print(gradcheck(LinearFunction.apply, inputs))
        """
    ),
    md(
        """
        ## A deliberately "wrong" gradient: the straight-through estimator

        Rounding has derivative 0 almost everywhere, so nothing could learn through
        it. Quantised networks use the *straight-through estimator*: round in the
        forward pass, but pass the gradient through unchanged, as if the operation
        were the identity. `gradcheck` rightly reports that this is not the true
        derivative; here that is the point.
        """,
        """
        ## 故意“不对”的梯度：直通估计器

        取整运算几乎处处导数为 0，梯度传不过去，前面的参数也就什么都学不到。量化网络常用*直通估计器*：
        前向时照常取整，反向时把梯度原封不动地传过去，就好像这个运算是恒等映射一样。
        `gradcheck` 会如实报告这不是真正的导数——而这恰恰是我们想要的效果。
        """,
    ),
    code(
        """
        class RoundSTE(Function):
            @staticmethod
            def forward(ctx, x):
                return x.round()

            @staticmethod
            def backward(ctx, grad_output):
                return grad_output


        w = torch.tensor([0.2, 1.7, -0.6], requires_grad=True)
        q = RoundSTE.apply(w * 4) / 4
        print(q)
        (q * torch.tensor([1.0, 2.0, 3.0])).sum().backward()
        print(w.grad)
        print(gradcheck(RoundSTE.apply, (x64 + 0.25,), raise_exception=False))
        """
    ),
    md(
        """
        ## Higher-order derivatives

        `torch.autograd.grad(outputs, inputs)` returns gradients instead of adding
        them to `.grad`. With `create_graph=True` the backward pass is recorded like
        any other computation, so the gradient has a `grad_fn` and can itself be
        differentiated.

        For $y = x^3$ at $x = 2$: $y' = 3x^2 = 12$, $y'' = 6x = 12$, $y''' = 6$.
        """,
        """
        ## 高阶导数

        `torch.autograd.grad(outputs, inputs)` 直接返回梯度，而不是累加到 `.grad` 上。
        加上 `create_graph=True`，反向传播会像其他计算一样被记录下来，于是得到的梯度也带着 `grad_fn`，可以继续求导。

        以 $y = x^3$ 在 $x = 2$ 处为例：$y' = 3x^2 = 12$，$y'' = 6x = 12$，$y''' = 6$。
        """,
    ),
    code(
        """
        x = torch.tensor(2.0, requires_grad=True)
        y = x**3
        (dy,) = torch.autograd.grad(y, x, create_graph=True)
        print(dy)
        """
    ),
    md(
        """
        `dy` is an ordinary tensor with a graph behind it: the graph of the backward
        pass that computed $3x^2$. Draw it:
        """,
        """
        `dy` 是一个普通张量，背后也有一张计算图——就是算出 $3x^2$ 的那次反向传播的计算图。把它画出来：
        """,
    ),
    code(
        """
        torch.draw(dy)
        """
    ),
    code(
        """
        (d2y,) = torch.autograd.grad(dy, x, create_graph=True)
        (d3y,) = torch.autograd.grad(d2y, x)
        print(d2y, d3y)
        """
    ),
    md(
        """
        In a loop: the derivatives of $\\sin$ cycle through
        $\\cos, -\\sin, -\\cos, \\sin$.
        """,
        """
        放进循环里：$\\sin$ 的各阶导数依次是 $\\cos, -\\sin, -\\cos, \\sin$，循环往复。
        """,
    ),
    code(
        """
        x = torch.tensor(0.5, requires_grad=True)
        f = torch.sin(x)
        for order in range(1, 6):
            (f,) = torch.autograd.grad(f, x, create_graph=True)
            print(order, round(f.item(), 4))
        print("cos(0.5) =", round(torch.cos(x).item(), 4), " sin(0.5) =", round(torch.sin(x).item(), 4))
        """
    ),
    md(
        """
        ## Newton's method

        With first and second derivatives we can minimise a function by Newton's method,
        $x \\leftarrow x - f'(x)/f''(x)$, which converges in a handful of steps near a
        minimum. Here $f(x) = x^4 - 3x^2 + x$, starting from $x = 2$:
        """,
        """
        ## 牛顿法

        有了一阶和二阶导数，就可以用牛顿法 $x \\leftarrow x - f'(x)/f''(x)$ 求函数的极小值，
        在极小值附近只需几步就能收敛。这里取 $f(x) = x^4 - 3x^2 + x$，从 $x = 2$ 出发：
        """,
    ),
    code(
        """
        def f(x):
            return x**4 - 3 * x**2 + x


        x = torch.tensor(2.0, requires_grad=True)
        for step in range(6):
            (slope,) = torch.autograd.grad(f(x), x, create_graph=True)
            (curvature,) = torch.autograd.grad(slope, x)
            with torch.no_grad():
                x -= slope / curvature
            print(f"step {step}: x = {x.item():.6f}, f'(x) = {slope.item():+.2e}")
        """
    ),
    md(
        """
        ## Hessians

        For a function of several variables the second derivatives form the Hessian
        matrix. `torch.autograd.functional.hessian` builds it, one backward pass per
        row. For $f(v) = v_0^2 v_1 + v_1^3$ it is
        $\\begin{pmatrix} 2v_1 & 2v_0 \\\\ 2v_0 & 6v_1 \\end{pmatrix}$:
        """,
        """
        ## Hessian 矩阵

        多元函数的二阶导数组成 Hessian 矩阵。`torch.autograd.functional.hessian` 可以把它算出来，每一行做一次反向传播。
        对 $f(v) = v_0^2 v_1 + v_1^3$，它等于 $\\begin{pmatrix} 2v_1 & 2v_0 \\\\ 2v_0 & 6v_1 \\end{pmatrix}$：
        """,
    ),
    code(
        """
        def g(v):
            return v[0] ** 2 * v[1] + v[1] ** 3


        v = torch.tensor([1.0, 2.0])
        print(torch.autograd.functional.hessian(g, v))
        """
    ),
    md(
        """
        ## Custom functions twice over: `gradgradcheck`

        Second derivatives go through your custom backward too. `MyExp.backward` is
        written with ordinary differentiable operations (`grad_output * result`), so
        with `create_graph=True` it is recorded and can be differentiated again.
        `gradgradcheck` checks those second derivatives against finite differences:
        """,
        """
        ## 自定义函数的二阶导：`gradgradcheck`

        求二阶导数时，也要经过你自己写的 backward。`MyExp.backward` 用的是普通的可微运算（`grad_output * result`），
        所以在 `create_graph=True` 下它会被记录下来，能够再次求导。`gradgradcheck` 用有限差分来检验这些二阶导数：
        """,
    ),
    code(
        """
        print(gradgradcheck(MyExp.apply, (x64,)))

        x = torch.tensor(1.0, requires_grad=True)
        (first,) = torch.autograd.grad(MyExp.apply(x), x, create_graph=True)
        (second,) = torch.autograd.grad(first, x)
        print(first.item(), second.item(), torch.exp(x).item())
        """
    ),
    md(
        """
        ## Summary

        * Subclass `torch.autograd.Function` with static `forward(ctx, ...)` and
          `backward(ctx, grad_output)`; save tensors with `ctx.save_for_backward`; call
          it with `.apply`.
        * Always `gradcheck` a hand-written backward, with float64 inputs.
        * `torch.autograd.grad(..., create_graph=True)` records the backward pass, so
          gradients can be differentiated again: higher derivatives, Newton steps,
          Hessians, gradient penalties.

        Next: **6. Debugging gradients**: what to do when `.grad` is `None`, an
        in-place operation breaks backward, or a NaN appears.
        """,
        """
        ## 小结

        * 继承 `torch.autograd.Function`，实现静态方法 `forward(ctx, ...)` 和 `backward(ctx, grad_output)`；
          用 `ctx.save_for_backward` 保存张量；用 `.apply` 调用。
        * 手写的 backward 一定要用 `gradcheck` 检验，输入用 float64。
        * `torch.autograd.grad(..., create_graph=True)` 会记录反向传播，梯度因此可以再次求导：
          高阶导数、牛顿法、Hessian 矩阵、梯度惩罚都靠它。

        下一讲：**6. 调试梯度**——`.grad` 是 `None`、原地操作让反向传播出错、冒出 NaN 时该怎么办。
        """,
    ),
]
