;; DBB's 1x1 -> kxk composition, one output channel, in WebAssembly:
;; prepare, then compose.
;;
;; prepare: the kxk weights of the output channel times t, w = k2[m][j] * t;
;; an internal channel m with any w != 0 (NaN counts) is live: its w go to
;; w2[k][.] and the address of its K1 row to kofs[k], k = 0, 1, ...; the bias
;; term sum of w * b1[m] over w != 0, in the order m, then j. The
;; JavaScript loop's operations, in its order. Returns the live count n
;; and stores the bias term at biasAt.
;;
;; compose, in SIMD:
;;   row[q(c, j)] += sum over k of w2[k][j] * k1[k][c]      (k ascending)
;; for every input channel c in [0, nc) and kernel position j in [0, hw).
;; Each sum starts from the row's value and adds its products one k at a
;; time, multiply then add (two roundings, no fused multiply-add): the
;; operations and order of the JavaScript loop, so the same bits. The two
;; lanes of a vector hold two input channels (two independent sums), never
;; two k of one sum; a tile of 4 channels x 3 positions keeps 6 vectors of
;; sums in registers while k runs.
;; Memory, laid out by the caller (byte addresses):
;;   row:  the row's float64 values; q(c, j) = row + pos[j] + c * cs
;;   pos:  hw int32 byte offsets of the positions at channel 0
;;   w2:   n x hw float64, [k][j]: the kxk weights of the live internal channels
;;   kofs: n int32 byte addresses of k1[k][0], where the channels' nc float64
;;         values follow (K1 as the 1x1 stores it, [m][c])
;; A vector of sums (channels c, c + 1 at one position) is read from and
;; written back to row[p], row[p + cs] lane by lane.
(module
  (memory (export "memory") 1)

  ;; k2: nm x hw float64, [m][j]; b1: nm float64; K1 row of m at rows + m * rowBytes.
  (func (export "prepare")
    (param $k2 i32) (param $nm i32) (param $hw i32) (param $t f64) (param $b1 i32)
    (param $w2 i32) (param $kofs i32) (param $rows i32) (param $rowBytes i32) (param $biasAt i32)
    (result i32)
    (local $m i32) (local $j i32) (local $n i32) (local $dst i32) (local $any i32)
    (local $v f64) (local $b f64) (local $bias f64)
    (block $ms_done
      (loop $ms
        (br_if $ms_done (i32.ge_u (local.get $m) (local.get $nm)))
        (local.set $b (f64.load (i32.add (local.get $b1) (i32.shl (local.get $m) (i32.const 3)))))
        (local.set $dst (i32.add (local.get $w2) (i32.shl (i32.mul (local.get $n) (local.get $hw)) (i32.const 3))))
        (local.set $any (i32.const 0))
        (local.set $j (i32.const 0))
        (block $js_done
          (loop $js
            (br_if $js_done (i32.ge_u (local.get $j) (local.get $hw)))
            (local.set $v (f64.mul (f64.load (local.get $k2)) (local.get $t)))
            (f64.store (local.get $dst) (local.get $v))
            (if (f64.ne (local.get $v) (f64.const 0))
              (then
                (local.set $any (i32.const 1))
                (local.set $bias (f64.add (local.get $bias) (f64.mul (local.get $v) (local.get $b))))))
            (local.set $k2 (i32.add (local.get $k2) (i32.const 8)))
            (local.set $dst (i32.add (local.get $dst) (i32.const 8)))
            (local.set $j (i32.add (local.get $j) (i32.const 1)))
            (br $js)))
        (if (local.get $any)
          (then
            (i32.store
              (i32.add (local.get $kofs) (i32.shl (local.get $n) (i32.const 2)))
              (i32.add (local.get $rows) (i32.mul (local.get $m) (local.get $rowBytes))))
            (local.set $n (i32.add (local.get $n) (i32.const 1)))))
        (local.set $m (i32.add (local.get $m) (i32.const 1)))
        (br $ms)))
    (f64.store (local.get $biasAt) (local.get $bias))
    (local.get $n))

  (func (export "compose")
    (param $row i32) (param $pos i32) (param $hw i32) (param $cs i32) (param $nc i32)
    (param $w2 i32) (param $n i32) (param $kofs i32)
    (local $c i32) (local $j i32) (local $base i32) (local $c8 i32) (local $cs2 i32)
    (local $wstep i32) (local $kend i32) (local $kp i32) (local $wp i32) (local $x i32)
    (local $p0 i32) (local $p1 i32) (local $p2 i32) (local $p3 i32) (local $p4 i32) (local $p5 i32)
    (local $a0 v128) (local $a1 v128) (local $a2 v128) (local $a3 v128) (local $a4 v128) (local $a5 v128)
    (local $x0 v128) (local $x1 v128) (local $s v128) (local $acc f64)
    (local.set $cs2 (i32.shl (local.get $cs) (i32.const 1)))
    (local.set $wstep (i32.shl (local.get $hw) (i32.const 3)))
    (local.set $kend (i32.add (local.get $kofs) (i32.shl (local.get $n) (i32.const 2))))
    ;; Four channels at a time: c, c + 1 in the even vectors, c + 2, c + 3 in the odd ones.
    (block $quads_done
      (loop $quads
        (br_if $quads_done (i32.gt_u (i32.add (local.get $c) (i32.const 4)) (local.get $nc)))
        (local.set $base (i32.add (local.get $row) (i32.mul (local.get $c) (local.get $cs))))
        (local.set $c8 (i32.shl (local.get $c) (i32.const 3)))
        (local.set $j (i32.const 0))
        ;; Tiles of three positions j, j + 1, j + 2 (vectors 0-1, 2-3, 4-5).
        (block $triples_done
          (loop $triples
            (br_if $triples_done (i32.gt_u (i32.add (local.get $j) (i32.const 3)) (local.get $hw)))
            (local.set $x (i32.add (local.get $pos) (i32.shl (local.get $j) (i32.const 2))))
            (local.set $p0 (i32.add (local.get $base) (i32.load (local.get $x))))
            (local.set $p1 (i32.add (local.get $p0) (local.get $cs2)))
            (local.set $p2 (i32.add (local.get $base) (i32.load offset=4 (local.get $x))))
            (local.set $p3 (i32.add (local.get $p2) (local.get $cs2)))
            (local.set $p4 (i32.add (local.get $base) (i32.load offset=8 (local.get $x))))
            (local.set $p5 (i32.add (local.get $p4) (local.get $cs2)))
            (local.set $a0
              (v128.load64_lane 1 (i32.add (local.get $p0) (local.get $cs)) (v128.load64_zero (local.get $p0))))
            (local.set $a1
              (v128.load64_lane 1 (i32.add (local.get $p1) (local.get $cs)) (v128.load64_zero (local.get $p1))))
            (local.set $a2
              (v128.load64_lane 1 (i32.add (local.get $p2) (local.get $cs)) (v128.load64_zero (local.get $p2))))
            (local.set $a3
              (v128.load64_lane 1 (i32.add (local.get $p3) (local.get $cs)) (v128.load64_zero (local.get $p3))))
            (local.set $a4
              (v128.load64_lane 1 (i32.add (local.get $p4) (local.get $cs)) (v128.load64_zero (local.get $p4))))
            (local.set $a5
              (v128.load64_lane 1 (i32.add (local.get $p5) (local.get $cs)) (v128.load64_zero (local.get $p5))))
            (local.set $kp (local.get $kofs))
            (local.set $wp (i32.add (local.get $w2) (i32.shl (local.get $j) (i32.const 3))))
            (block $k_done
              (loop $k
                (br_if $k_done (i32.ge_u (local.get $kp) (local.get $kend)))
                (local.set $x (i32.add (i32.load (local.get $kp)) (local.get $c8)))
                (local.set $x0 (v128.load (local.get $x)))
                (local.set $x1 (v128.load offset=16 (local.get $x)))
                (local.set $s (v128.load64_splat (local.get $wp)))
                (local.set $a0 (f64x2.add (local.get $a0) (f64x2.mul (local.get $s) (local.get $x0))))
                (local.set $a1 (f64x2.add (local.get $a1) (f64x2.mul (local.get $s) (local.get $x1))))
                (local.set $s (v128.load64_splat offset=8 (local.get $wp)))
                (local.set $a2 (f64x2.add (local.get $a2) (f64x2.mul (local.get $s) (local.get $x0))))
                (local.set $a3 (f64x2.add (local.get $a3) (f64x2.mul (local.get $s) (local.get $x1))))
                (local.set $s (v128.load64_splat offset=16 (local.get $wp)))
                (local.set $a4 (f64x2.add (local.get $a4) (f64x2.mul (local.get $s) (local.get $x0))))
                (local.set $a5 (f64x2.add (local.get $a5) (f64x2.mul (local.get $s) (local.get $x1))))
                (local.set $kp (i32.add (local.get $kp) (i32.const 4)))
                (local.set $wp (i32.add (local.get $wp) (local.get $wstep)))
                (br $k)))
            (v128.store64_lane 0 (local.get $p0) (local.get $a0))
            (v128.store64_lane 1 (i32.add (local.get $p0) (local.get $cs)) (local.get $a0))
            (v128.store64_lane 0 (local.get $p1) (local.get $a1))
            (v128.store64_lane 1 (i32.add (local.get $p1) (local.get $cs)) (local.get $a1))
            (v128.store64_lane 0 (local.get $p2) (local.get $a2))
            (v128.store64_lane 1 (i32.add (local.get $p2) (local.get $cs)) (local.get $a2))
            (v128.store64_lane 0 (local.get $p3) (local.get $a3))
            (v128.store64_lane 1 (i32.add (local.get $p3) (local.get $cs)) (local.get $a3))
            (v128.store64_lane 0 (local.get $p4) (local.get $a4))
            (v128.store64_lane 1 (i32.add (local.get $p4) (local.get $cs)) (local.get $a4))
            (v128.store64_lane 0 (local.get $p5) (local.get $a5))
            (v128.store64_lane 1 (i32.add (local.get $p5) (local.get $cs)) (local.get $a5))
            (local.set $j (i32.add (local.get $j) (i32.const 3)))
            (br $triples)))
        ;; The positions left, one at a time (vectors 0-1).
        (block $singles_done
          (loop $singles
            (br_if $singles_done (i32.ge_u (local.get $j) (local.get $hw)))
            (local.set $p0
              (i32.add (local.get $base) (i32.load (i32.add (local.get $pos) (i32.shl (local.get $j) (i32.const 2))))))
            (local.set $p1 (i32.add (local.get $p0) (local.get $cs2)))
            (local.set $a0
              (v128.load64_lane 1 (i32.add (local.get $p0) (local.get $cs)) (v128.load64_zero (local.get $p0))))
            (local.set $a1
              (v128.load64_lane 1 (i32.add (local.get $p1) (local.get $cs)) (v128.load64_zero (local.get $p1))))
            (local.set $kp (local.get $kofs))
            (local.set $wp (i32.add (local.get $w2) (i32.shl (local.get $j) (i32.const 3))))
            (block $k_done
              (loop $k
                (br_if $k_done (i32.ge_u (local.get $kp) (local.get $kend)))
                (local.set $x (i32.add (i32.load (local.get $kp)) (local.get $c8)))
                (local.set $s (v128.load64_splat (local.get $wp)))
                (local.set $a0 (f64x2.add (local.get $a0) (f64x2.mul (local.get $s) (v128.load (local.get $x)))))
                (local.set $a1 (f64x2.add (local.get $a1) (f64x2.mul (local.get $s) (v128.load offset=16 (local.get $x)))))
                (local.set $kp (i32.add (local.get $kp) (i32.const 4)))
                (local.set $wp (i32.add (local.get $wp) (local.get $wstep)))
                (br $k)))
            (v128.store64_lane 0 (local.get $p0) (local.get $a0))
            (v128.store64_lane 1 (i32.add (local.get $p0) (local.get $cs)) (local.get $a0))
            (v128.store64_lane 0 (local.get $p1) (local.get $a1))
            (v128.store64_lane 1 (i32.add (local.get $p1) (local.get $cs)) (local.get $a1))
            (local.set $j (i32.add (local.get $j) (i32.const 1)))
            (br $singles)))
        (local.set $c (i32.add (local.get $c) (i32.const 4)))
        (br $quads)))
    ;; The channels left (fewer than four), one sum at a time.
    (block $rest_done
      (loop $rest
        (br_if $rest_done (i32.ge_u (local.get $c) (local.get $nc)))
        (local.set $base (i32.add (local.get $row) (i32.mul (local.get $c) (local.get $cs))))
        (local.set $c8 (i32.shl (local.get $c) (i32.const 3)))
        (local.set $j (i32.const 0))
        (block $positions_done
          (loop $positions
            (br_if $positions_done (i32.ge_u (local.get $j) (local.get $hw)))
            (local.set $p0
              (i32.add (local.get $base) (i32.load (i32.add (local.get $pos) (i32.shl (local.get $j) (i32.const 2))))))
            (local.set $acc (f64.load (local.get $p0)))
            (local.set $kp (local.get $kofs))
            (local.set $wp (i32.add (local.get $w2) (i32.shl (local.get $j) (i32.const 3))))
            (block $k_done
              (loop $k
                (br_if $k_done (i32.ge_u (local.get $kp) (local.get $kend)))
                (local.set $acc
                  (f64.add
                    (local.get $acc)
                    (f64.mul (f64.load (local.get $wp)) (f64.load (i32.add (i32.load (local.get $kp)) (local.get $c8))))))
                (local.set $kp (i32.add (local.get $kp) (i32.const 4)))
                (local.set $wp (i32.add (local.get $wp) (local.get $wstep)))
                (br $k)))
            (f64.store (local.get $p0) (local.get $acc))
            (local.set $j (i32.add (local.get $j) (i32.const 1)))
            (br $positions)))
        (local.set $c (i32.add (local.get $c) (i32.const 1)))
        (br $rest)))))
