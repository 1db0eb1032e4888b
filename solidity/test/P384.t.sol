// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.30;

import {Test} from "./utils/Test.sol";
import {P384} from "../src/lib/P384.sol";
import {Sha384} from "../src/lib/Sha384.sol";

/// @notice P-384 ECDSA verification against test/data/p384_vectors.json (gen_p384_vectors.py): random seeded
///         signatures in low-S and high-S form, the real AWS signatures of the Nitro fixtures, and Wycheproof-style
///         edge cases. A verification costs ~2M gas and a test transaction is capped at 2^24 gas (EIP-7825), so the
///         cases run in chunks of 1; `testEveryCaseRuns` fails if a case falls outside the chunks.
contract P384Test is Test {
    uint256 private constant PER_CHUNK = 1;
    uint256 private constant CHUNKS = 104;

    struct Case {
        bytes digest;
        /// s^-1 mod n for verifyWithHint (zero when s is out of range).
        bytes hint;
        /// Public key x ‖ y.
        bytes key;
        string name;
        bytes signature;
        bool valid;
    }

    function _json() private view returns (string memory) {
        return vm.readFile("test/data/p384_vectors.json");
    }

    /// Field by field: parseJson of the whole array would type 32-byte hex strings as bytes32.
    function _case(string memory json, uint256 i) private pure returns (Case memory c) {
        string memory at = string.concat(".cases[", vm.toString(i), "]");
        c.digest = vm.parseJsonBytes(json, string.concat(at, ".digest"));
        c.hint = vm.parseJsonBytes(json, string.concat(at, ".hint"));
        c.key = vm.parseJsonBytes(json, string.concat(at, ".key"));
        c.name = vm.parseJsonString(json, string.concat(at, ".name"));
        c.signature = vm.parseJsonBytes(json, string.concat(at, ".signature"));
        c.valid = vm.parseJsonBool(json, string.concat(at, ".valid"));
    }

    function _runCases(uint256 from, uint256 to) private view {
        string memory json = _json();
        uint256 count = vm.parseJsonUint(json, ".count");
        for (uint256 i = from; i < to && i < count; i++) {
            Case memory c = _case(json, i);
            assertEq(P384.verify(c.digest, c.signature, c.key), c.valid, c.name);
            // The hinted path agrees, given the honest hint (zero bytes when s is out of range).
            assertEq(P384.verifyWithHint(c.digest, c.signature, c.key, c.hint), c.valid, c.name);
        }
    }

    /// The precomputed tables in the library equal the generator's (independent Python curve arithmetic).
    function testTables() public view {
        string memory json = _json();
        assertEq(P384.G_TABLE, vm.parseJsonBytes(json, ".g_table"), "G table");
        assertEq(P384.G192_TABLE, vm.parseJsonBytes(json, ".g192_table"), "2^192 G table");
    }

    /// Tampered hints for one valid signature: every change but a rescaling of (z, v) gives false. Split in two
    /// transactions: a full four-scalar ladder costs ~5M gas.
    function testHintTampering0() public view {
        _runHintCases(0, 7);
    }

    function testHintTampering1() public view {
        _runHintCases(7, 14);
    }

    function testHintCaseCount() public view {
        assertEq(vm.parseJsonUint(_json(), ".hint_count"), 14, "hint case count");
    }

    function _runHintCases(uint256 from, uint256 to) private view {
        string memory json = _json();
        for (uint256 i = from; i < to; i++) {
            string memory at = string.concat(".hint_cases[", vm.toString(i), "]");
            bytes memory digest = vm.parseJsonBytes(json, string.concat(at, ".digest"));
            bytes memory signature = vm.parseJsonBytes(json, string.concat(at, ".signature"));
            bytes memory key = vm.parseJsonBytes(json, string.concat(at, ".key"));
            bytes memory hint = vm.parseJsonBytes(json, string.concat(at, ".hint"));
            bool valid = vm.parseJsonBool(json, string.concat(at, ".valid"));
            string memory name = vm.parseJsonString(json, string.concat(at, ".name"));
            assertEq(P384.verifyWithHint(digest, signature, key, hint), valid, name);
        }
    }

    function testEveryCaseRuns() public view {
        uint256 n = vm.parseJsonUint(_json(), ".count");
        assertTrue(n > (CHUNKS - 1) * PER_CHUNK && n <= CHUNKS * PER_CHUNK, "chunks cover the cases exactly");
    }

    function testVectors000() public view {
        _runCases(0, 1);
    }

    function testVectors001() public view {
        _runCases(1, 2);
    }

    function testVectors002() public view {
        _runCases(2, 3);
    }

    function testVectors003() public view {
        _runCases(3, 4);
    }

    function testVectors004() public view {
        _runCases(4, 5);
    }

    function testVectors005() public view {
        _runCases(5, 6);
    }

    function testVectors006() public view {
        _runCases(6, 7);
    }

    function testVectors007() public view {
        _runCases(7, 8);
    }

    function testVectors008() public view {
        _runCases(8, 9);
    }

    function testVectors009() public view {
        _runCases(9, 10);
    }

    function testVectors010() public view {
        _runCases(10, 11);
    }

    function testVectors011() public view {
        _runCases(11, 12);
    }

    function testVectors012() public view {
        _runCases(12, 13);
    }

    function testVectors013() public view {
        _runCases(13, 14);
    }

    function testVectors014() public view {
        _runCases(14, 15);
    }

    function testVectors015() public view {
        _runCases(15, 16);
    }

    function testVectors016() public view {
        _runCases(16, 17);
    }

    function testVectors017() public view {
        _runCases(17, 18);
    }

    function testVectors018() public view {
        _runCases(18, 19);
    }

    function testVectors019() public view {
        _runCases(19, 20);
    }

    function testVectors020() public view {
        _runCases(20, 21);
    }

    function testVectors021() public view {
        _runCases(21, 22);
    }

    function testVectors022() public view {
        _runCases(22, 23);
    }

    function testVectors023() public view {
        _runCases(23, 24);
    }

    function testVectors024() public view {
        _runCases(24, 25);
    }

    function testVectors025() public view {
        _runCases(25, 26);
    }

    function testVectors026() public view {
        _runCases(26, 27);
    }

    function testVectors027() public view {
        _runCases(27, 28);
    }

    function testVectors028() public view {
        _runCases(28, 29);
    }

    function testVectors029() public view {
        _runCases(29, 30);
    }

    function testVectors030() public view {
        _runCases(30, 31);
    }

    function testVectors031() public view {
        _runCases(31, 32);
    }

    function testVectors032() public view {
        _runCases(32, 33);
    }

    function testVectors033() public view {
        _runCases(33, 34);
    }

    function testVectors034() public view {
        _runCases(34, 35);
    }

    function testVectors035() public view {
        _runCases(35, 36);
    }

    function testVectors036() public view {
        _runCases(36, 37);
    }

    function testVectors037() public view {
        _runCases(37, 38);
    }

    function testVectors038() public view {
        _runCases(38, 39);
    }

    function testVectors039() public view {
        _runCases(39, 40);
    }

    function testVectors040() public view {
        _runCases(40, 41);
    }

    function testVectors041() public view {
        _runCases(41, 42);
    }

    function testVectors042() public view {
        _runCases(42, 43);
    }

    function testVectors043() public view {
        _runCases(43, 44);
    }

    function testVectors044() public view {
        _runCases(44, 45);
    }

    function testVectors045() public view {
        _runCases(45, 46);
    }

    function testVectors046() public view {
        _runCases(46, 47);
    }

    function testVectors047() public view {
        _runCases(47, 48);
    }

    function testVectors048() public view {
        _runCases(48, 49);
    }

    function testVectors049() public view {
        _runCases(49, 50);
    }

    function testVectors050() public view {
        _runCases(50, 51);
    }

    function testVectors051() public view {
        _runCases(51, 52);
    }

    function testVectors052() public view {
        _runCases(52, 53);
    }

    function testVectors053() public view {
        _runCases(53, 54);
    }

    function testVectors054() public view {
        _runCases(54, 55);
    }

    function testVectors055() public view {
        _runCases(55, 56);
    }

    function testVectors056() public view {
        _runCases(56, 57);
    }

    function testVectors057() public view {
        _runCases(57, 58);
    }

    function testVectors058() public view {
        _runCases(58, 59);
    }

    function testVectors059() public view {
        _runCases(59, 60);
    }

    function testVectors060() public view {
        _runCases(60, 61);
    }

    function testVectors061() public view {
        _runCases(61, 62);
    }

    function testVectors062() public view {
        _runCases(62, 63);
    }

    function testVectors063() public view {
        _runCases(63, 64);
    }

    function testVectors064() public view {
        _runCases(64, 65);
    }

    function testVectors065() public view {
        _runCases(65, 66);
    }

    function testVectors066() public view {
        _runCases(66, 67);
    }

    function testVectors067() public view {
        _runCases(67, 68);
    }

    function testVectors068() public view {
        _runCases(68, 69);
    }

    function testVectors069() public view {
        _runCases(69, 70);
    }

    function testVectors070() public view {
        _runCases(70, 71);
    }

    function testVectors071() public view {
        _runCases(71, 72);
    }

    function testVectors072() public view {
        _runCases(72, 73);
    }

    function testVectors073() public view {
        _runCases(73, 74);
    }

    function testVectors074() public view {
        _runCases(74, 75);
    }

    function testVectors075() public view {
        _runCases(75, 76);
    }

    function testVectors076() public view {
        _runCases(76, 77);
    }

    function testVectors077() public view {
        _runCases(77, 78);
    }

    function testVectors078() public view {
        _runCases(78, 79);
    }

    function testVectors079() public view {
        _runCases(79, 80);
    }

    function testVectors080() public view {
        _runCases(80, 81);
    }

    function testVectors081() public view {
        _runCases(81, 82);
    }

    function testVectors082() public view {
        _runCases(82, 83);
    }

    function testVectors083() public view {
        _runCases(83, 84);
    }

    function testVectors084() public view {
        _runCases(84, 85);
    }

    function testVectors085() public view {
        _runCases(85, 86);
    }

    function testVectors086() public view {
        _runCases(86, 87);
    }

    function testVectors087() public view {
        _runCases(87, 88);
    }

    function testVectors088() public view {
        _runCases(88, 89);
    }

    function testVectors089() public view {
        _runCases(89, 90);
    }

    function testVectors090() public view {
        _runCases(90, 91);
    }

    function testVectors091() public view {
        _runCases(91, 92);
    }

    function testVectors092() public view {
        _runCases(92, 93);
    }

    function testVectors093() public view {
        _runCases(93, 94);
    }

    function testVectors094() public view {
        _runCases(94, 95);
    }

    function testVectors095() public view {
        _runCases(95, 96);
    }

    function testVectors096() public view {
        _runCases(96, 97);
    }

    function testVectors097() public view {
        _runCases(97, 98);
    }

    function testVectors098() public view {
        _runCases(98, 99);
    }

    function testVectors099() public view {
        _runCases(99, 100);
    }

    function testVectors100() public view {
        _runCases(100, 101);
    }

    function testVectors101() public view {
        _runCases(101, 102);
    }

    function testVectors102() public view {
        _runCases(102, 103);
    }

    function testVectors103() public view {
        _runCases(103, 104);
    }
}
