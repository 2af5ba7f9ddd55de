import { ReparamError, isReparamError } from "@reparam/core";
import { PickleCursor } from "./_pickle-cursor.js";
import { addItems, appendItems, build, newObject, reduce, setItems } from "./_pickle-objects.js";
import { badPickle, typeName } from "./_py-check.js";
import { checkGlobal, forbiddenCall } from "./allow-list.js";
import { parseIntLine } from "./_pickle-numbers.js";
import { NOT_SCALAR, readScalar } from "./_pickle-scalars.js";
import { PyDict, PyGlobal, PySet, PyTuple, type PyValue } from "./py-value.js";

/** What the VM asks its host. */
export interface PickleHost {
  /** `PERSID`/`BINPERSID`: what a persistent id stands for (a storage, for `torch.save`). */
  persistentLoad(pid: PyValue, where: string): PyValue;
}

/** A pickle's value and the offset one past its `STOP`. */
export interface PickleResult {
  readonly value: PyValue;
  readonly end: number;
}

/**
 * Runs the pickle that starts at `start` in `bytes` on a restricted VM:
 * every opcode of protocols 0 to 5 that builds data, `GLOBAL` as a name
 * only, calls only through the allow-list (see `ALLOWED_CALLS`), objects of
 * other classes as inert placeholders. Nothing is imported, constructed by
 * Python's rules or called.
 *
 * @throws ReparamError `PYTORCH_TRUNCATED` (ends before `STOP`),
 *   `PYTORCH_BAD_PICKLE`, `PYTORCH_FORBIDDEN_GLOBAL`, `PYTORCH_FORBIDDEN_CALL`,
 *   and the tensor rebuild's errors.
 */
export function runPickle(bytes: Uint8Array, start: number, host: PickleHost, label: string): PickleResult {
  const c = new PickleCursor(bytes, start, label);
  const stack: PyValue[] = [];
  const marks: number[] = [];
  const memo = new Map<number, PyValue>();
  // Errors name the pickle; the catch below adds the instruction's offset (no string per instruction).
  const where = label;
  let at = start;
  const pop = (): PyValue => {
    if (stack.length === 0 || stack.length === marks.at(-1))
      throw badPickle("an instruction needs a value the stack does not have", where, "a value", "none");
    return stack.pop()!;
  };
  const top = (): PyValue => {
    if (stack.length === 0) throw badPickle("an instruction needs a value on the stack", where, "a value", "none");
    return stack[stack.length - 1]!;
  };
  const popMark = (): PyValue[] => {
    const m = marks.pop();
    if (m === undefined) throw badPickle("no MARK to pop to", where, "a MARK", "none");
    return stack.splice(m);
  };
  const get = (i: number): PyValue => {
    if (!memo.has(i)) throw badPickle("a memo entry that was never stored", where, "a stored index", String(i));
    return memo.get(i)!;
  };
  const text = (v: PyValue): string => {
    if (typeof v !== "string") throw badPickle("STACK_GLOBAL of a non-string", where, "str", typeName(v));
    return v;
  };
  try {
    for (;;) {
      at = c.pos;
      const op = c.u8();
      switch (op) {
        case 0x80: // PROTO
          if (c.u8() > 5) throw badPickle("unknown pickle protocol", where, "0 to 5", String(bytes[at + 1]));
          break;
        case 0x95: // FRAME: a length hint only
          c.u64();
          break;
        case 0x2e: // STOP
          if (stack.length !== 1 || marks.length > 0)
            throw badPickle("STOP with a stack other than one value", where, "1 value", `${stack.length}`);
          return { value: stack[0]!, end: c.pos };
        case 0x28: // MARK
          marks.push(stack.length);
          break;
        case 0x30: // POP
          if (stack.length > 0 && stack.length === marks.at(-1)) marks.pop();
          else pop();
          break;
        case 0x31: // POP_MARK
          popMark();
          break;
        case 0x32: // DUP
          stack.push(top());
          break;
        case 0x5d: // EMPTY_LIST
          stack.push([]);
          break;
        case 0x6c: // LIST
          stack.push(popMark());
          break;
        case 0x29: // EMPTY_TUPLE
          stack.push(new PyTuple([]));
          break;
        case 0x74: // TUPLE
          stack.push(new PyTuple(popMark()));
          break;
        case 0x85: // TUPLE1
        case 0x86: // TUPLE2
        case 0x87: {
          // TUPLE3
          const items = Array.from({ length: op - 0x84 }, pop).reverse();
          stack.push(new PyTuple(items));
          break;
        }
        case 0x7d: // EMPTY_DICT
          stack.push(new PyDict(false));
          break;
        case 0x64: {
          // DICT
          const d = new PyDict(false);
          setItems(d, popMark(), where);
          stack.push(d);
          break;
        }
        case 0x8f: // EMPTY_SET
          stack.push(new PySet([], false));
          break;
        case 0x91: // FROZENSET
          stack.push(new PySet(popMark(), true));
          break;
        case 0x61: {
          // APPEND
          const v = pop();
          appendItems(top(), [v], where);
          break;
        }
        case 0x65: {
          // APPENDS
          const items = popMark();
          appendItems(top(), items, where);
          break;
        }
        case 0x73: {
          // SETITEM
          const v = pop();
          const k = pop();
          setItems(top(), [k, v], where);
          break;
        }
        case 0x75: {
          // SETITEMS
          const items = popMark();
          setItems(top(), items, where);
          break;
        }
        case 0x90: {
          // ADDITEMS
          const items = popMark();
          addItems(top(), items, where);
          break;
        }
        case 0x70: // PUT
          memo.set(Number(parseIntLine(c.line(), where)), top());
          break;
        case 0x71: // BINPUT
          memo.set(c.u8(), top());
          break;
        case 0x72: // LONG_BINPUT
          memo.set(c.u32(), top());
          break;
        case 0x94: // MEMOIZE
          memo.set(memo.size, top());
          break;
        case 0x67: // GET
          stack.push(get(Number(parseIntLine(c.line(), where))));
          break;
        case 0x68: // BINGET
          stack.push(get(c.u8()));
          break;
        case 0x6a: // LONG_BINGET
          stack.push(get(c.u32()));
          break;
        case 0x63: {
          // GLOBAL
          const module = c.line();
          stack.push(checkGlobal(module, c.line(), where));
          break;
        }
        case 0x93: {
          // STACK_GLOBAL
          const name = text(pop());
          stack.push(checkGlobal(text(pop()), name, where));
          break;
        }
        case 0x52: {
          // REDUCE
          const args = pop();
          stack.push(reduce(pop(), args, where));
          break;
        }
        case 0x81: {
          // NEWOBJ
          const args = pop();
          stack.push(newObject(pop(), args, where));
          break;
        }
        case 0x92: {
          // NEWOBJ_EX (keyword arguments are not kept: placeholders are never constructed)
          pop();
          const args = pop();
          stack.push(newObject(pop(), args, where));
          break;
        }
        case 0x62: {
          // BUILD
          const state = pop();
          build(top(), state, where);
          break;
        }
        case 0x69: {
          // INST: a call of the class by name
          const module = c.line();
          const name = c.line();
          throw forbiddenCall(checkGlobal(module, name, where).qualified, where);
        }
        case 0x6f: {
          // OBJ: a call of the class on the stack
          const items = popMark();
          const cls = items[0];
          throw forbiddenCall(cls instanceof PyGlobal ? cls.qualified : typeName(cls), where);
        }
        case 0x50: // PERSID
          stack.push(host.persistentLoad(c.line(), where));
          break;
        case 0x51: // BINPERSID
          stack.push(host.persistentLoad(pop(), where));
          break;
        default: {
          const scalar = readScalar(op, c, where);
          if (scalar !== NOT_SCALAR) {
            stack.push(scalar);
            break;
          }
          throw badPickle(
            "an opcode this reader does not run",
            where,
            "a data opcode of pickle protocols 0-5",
            `0x${op.toString(16).padStart(2, "0")}`,
          );
        }
      }
    }
  } catch (e) {
    throw isReparamError(e) && e.where === label ? atOffset(e, `${label} byte ${at}`) : e;
  }
}

/** The same error, at `where` (the message's first part kept, the details recomposed). */
function atOffset(e: ReparamError, where: string): ReparamError {
  const cut = e.message.indexOf("; at ");
  const message = cut < 0 ? e.message : e.message.slice(0, cut);
  const details = {
    where,
    ...(e.expected === undefined ? {} : { expected: e.expected }),
    ...(e.found === undefined ? {} : { found: e.found }),
  };
  return new ReparamError(e.code, message, { ...details, ...(e.hint === undefined ? {} : { hint: e.hint }) });
}
