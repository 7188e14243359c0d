import CHDF5
import CLinAlg
import CZMQ
import CZlib
import Testing

/// The C shims link and the libraries are the ones the build expects.
@Suite struct CShimsTests {
    @Test func libzmqIsVersion4() {
        var major: Int32 = 0, minor: Int32 = 0, patch: Int32 = 0
        zmq_version(&major, &minor, &patch)
        #expect(major == 4)
        #expect(minor >= 3)
    }

    @Test func hdf5IsThreadSafe() {
        var major: UInt32 = 0, minor: UInt32 = 0, release: UInt32 = 0
        #expect(H5get_libversion(&major, &minor, &release) >= 0)
        #expect(major == 1 && minor >= 10)
        var threadsafe: hbool_t = false
        #expect(H5is_library_threadsafe(&threadsafe) >= 0)
        #expect(threadsafe)
        // The shim's helpers expand the macros Swift cannot import.
        #expect(chdf5_native_double() > 0)
        #expect(chdf5_acc_rdonly() != chdf5_acc_trunc())
    }

    @Test func blasMatrixProduct() {
        // [1 2; 3 4] · [5 6; 7 8] = [19 22; 43 50]
        let a: [Double] = [1, 2, 3, 4], b: [Double] = [5, 6, 7, 8]
        var c = [Double](repeating: 0, count: 4)
        openblas_set_num_threads(1)
        cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, 2, 2, 2, 1, a, 2, b, 2, 0, &c, 2)
        #expect(c == [19, 22, 43, 50])
    }

    @Test func lapackeSymmetricEigenvalues() {
        // Eigenvalues of [2 1; 1 2] are 1 and 3.
        var m: [Double] = [2, 1, 1, 2]
        var w = [Double](repeating: 0, count: 2)
        let info = LAPACKE_dsyev(LAPACK_ROW_MAJOR, Int8(UInt8(ascii: "V")), Int8(UInt8(ascii: "U")), 2, &m, 2, &w)
        #expect(info == 0)
        #expect(abs(w[0] - 1) < 1e-12 && abs(w[1] - 3) < 1e-12)
    }

    @Test func zlibRoundTrip() {
        let input = Array("soaplens soaplens soaplens".utf8)
        var compressed = [UInt8](repeating: 0, count: 128)
        var clen = uLongf(compressed.count)
        #expect(compress(&compressed, &clen, input, uLong(input.count)) == Z_OK)
        var output = [UInt8](repeating: 0, count: input.count)
        var olen = uLongf(output.count)
        #expect(uncompress(&output, &olen, compressed, clen) == Z_OK)
        #expect(output == input)
    }
}
