# Independent Gi* (Getis & Ord 1995, eq. for G*_i with binary weights), full n x n weight matrix.
import numpy as np
from scipy.stats import norm
cells = {(14000,132000):0,(14001,132000):1,(14002,132000):5,(14003,132000):9,
         (14000,132001):2,(14001,132001):1,(14002,132001):7,(14003,132001):12,
         (14000,132002):1,(14001,132002):3,(14005,132000):4}
keys = sorted(cells)
x = np.array([cells[k] for k in keys], dtype=float)
n = len(x)
W = np.array([[1.0 if max(abs(a[0]-b[0]),abs(a[1]-b[1]))<=1 else 0.0 for b in keys] for a in keys])
xbar = x.sum()/n
S = np.sqrt((x**2).sum()/n - xbar**2)
Wi = W.sum(1); S1 = (W**2).sum(1)
z = (W@x - xbar*Wi) / (S*np.sqrt((n*S1 - Wi**2)/(n-1)))
p = 2*(1-norm.cdf(np.abs(z)))
for k,zz,pp in zip(keys,z,p): print(f"({k[0]}, {k[1]}, {cells[k]}, {zz:.9f}, {pp:.9f}),")
