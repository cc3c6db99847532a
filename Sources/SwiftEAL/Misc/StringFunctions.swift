import CSwiftEAL
import Glibc

// rte_string_fns.h (rte_strlcpy/rte_strlcat are header inlines).

/// Copies at most dsize - 1 bytes and always terminates; -E2BIG (rte_errno E2BIG) when
/// src does not fit, dst then holding the truncated prefix. NULL pointers with a
/// non-zero size are refused with -EINVAL rather than dereferenced.
@c @implementation
public func rte_strscpy(_ dst: UnsafeMutablePointer<CChar>!, _ src: UnsafePointer<CChar>!, _ dsize: Int) -> Int {
    guard dsize != 0 else { RteErrno.set(E2BIG); return -Int(E2BIG) }
    guard let dst, let src else { RteErrno.set(EINVAL); return -Int(EINVAL) }
    for i in 0..<dsize {
        dst[i] = src[i]
        if src[i] == 0 { return i }
    }
    dst[dsize - 1] = 0
    RteErrno.set(E2BIG)
    return -Int(E2BIG)
}

/// Splits in place: each token starts where the string starts or after a delimiter,
/// each delimiter becomes NUL; stops at NUL, after stringlen bytes or maxtokens tokens.
/// -1 with errno EINVAL for a NULL string or token array.
@c @implementation
public func rte_strsplit(_ string: UnsafeMutablePointer<CChar>!, _ stringlen: Int32,
                         _ tokens: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>!,
                         _ maxtokens: Int32, _ delim: CChar) -> Int32 {
    guard let string, let tokens else { errno = EINVAL; return -1 }
    var count: Int32 = 0
    var atTokenStart = true
    var i = 0
    while i < Int(stringlen), string[i] != 0, count < maxtokens {
        if atTokenStart {
            tokens[Int(count)] = string + i
            count += 1
            atTokenStart = false
        }
        if string[i] == delim {
            string[i] = 0
            atTokenStart = true
        }
        i += 1
    }
    return count
}
