package dev.herald.config;

import java.math.BigInteger;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Locale;

/** A block of IP addresses written {@code 10.0.0.0/8} or {@code fd00::/8} (a single address is a block of one). */
public record Cidr(byte[] network, int prefixLength) {

    /**
     * @throws IllegalArgumentException when the text is not an IP address, with or without a prefix length
     */
    public static Cidr parse(String text) {
        String trimmed = text.strip();
        int slash = trimmed.indexOf('/');
        String address = slash < 0 ? trimmed : trimmed.substring(0, slash);
        byte[] bytes = literal(address);
        if (bytes == null) {
            throw new IllegalArgumentException("\"" + text + "\" is not an IP address block such as 10.0.0.0/8");
        }
        int length = bytes.length * 8;
        if (slash >= 0) {
            try {
                length = Integer.parseInt(trimmed.substring(slash + 1));
            } catch (NumberFormatException e) {
                length = -1;
            }
            if (length < 0 || length > bytes.length * 8) {
                throw new IllegalArgumentException(
                        "\"" + text + "\" has a prefix length outside 0 to " + bytes.length * 8);
            }
        }
        return new Cidr(bytes, length);
    }

    /** Whether {@code address} (an IP literal) lies in this block; false for anything else. */
    public boolean contains(String address) {
        byte[] bytes = literal(address);
        if (bytes == null || bytes.length != network.length) {
            return false;
        }
        int bits = bytes.length * 8;
        BigInteger mask = prefixLength == 0
                ? BigInteger.ZERO
                : BigInteger.ONE
                        .shiftLeft(bits)
                        .subtract(BigInteger.ONE)
                        .shiftRight(bits - prefixLength)
                        .shiftLeft(bits - prefixLength);
        return new BigInteger(1, bytes).and(mask).equals(new BigInteger(1, network).and(mask));
    }

    /** The bytes of an IP literal, or null: never a name, so that no lookup is ever made. */
    private static byte[] literal(String address) {
        String text = address.strip().toLowerCase(Locale.ROOT);
        if (text.startsWith("[") && text.endsWith("]")) {
            text = text.substring(1, text.length() - 1);
        }
        if (text.isEmpty() || !text.matches("[0-9a-f:.]+") || !(text.contains(".") || text.contains(":"))) {
            return null;
        }
        try {
            byte[] bytes = InetAddress.getByName(text).getAddress();
            return bytes.length == 16 && isMappedIpv4(bytes) ? java.util.Arrays.copyOfRange(bytes, 12, 16) : bytes;
        } catch (UnknownHostException e) {
            return null;
        }
    }

    private static boolean isMappedIpv4(byte[] bytes) {
        for (int i = 0; i < 10; i++) {
            if (bytes[i] != 0) {
                return false;
            }
        }
        return bytes[10] == (byte) 0xff && bytes[11] == (byte) 0xff;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof Cidr cidr
                && prefixLength == cidr.prefixLength
                && java.util.Arrays.equals(network, cidr.network);
    }

    @Override
    public int hashCode() {
        return 31 * java.util.Arrays.hashCode(network) + prefixLength;
    }

    @Override
    public String toString() {
        try {
            return InetAddress.getByAddress(network).getHostAddress() + "/" + prefixLength;
        } catch (UnknownHostException e) {
            return "?/" + prefixLength;
        }
    }
}
