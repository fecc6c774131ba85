/** RFC 4240 announcement URIs: built on the contact (transport and params kept), prompt URL escaped per §3. */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { Grammar } from "sip.js/lib/core/index.js";
import {
  announcementUri,
  contactTransport,
  escapeParamValue,
  parseContact,
  withTransport,
} from "../../plugins/media-server/src/netann-uri.js";

const contact = (text: string) => {
  const parts = parseContact(text);
  assert.ok(parts, `${text} parses`);
  return parts;
};

describe("escapeParamValue (RFC 4240 §3, RFC 3261 §25.1 paramchar)", { timeout: 300_000 }, () => {
  it("keeps paramchar and escapes the rest, UTF-8 byte by byte", () => {
    assert.equal(escapeParamValue("http://media.example/music/hold.wav"), "http://media.example/music/hold.wav");
    assert.equal(escapeParamValue("http://m.example/play?file=a b.wav&loop=1"), "http://m.example/play%3Ffile%3Da%20b.wav&loop%3D1");
    assert.equal(escapeParamValue("file:///prompts/x;y,z@w#frag"), "file:///prompts/x%3By%2Cz%40w%23frag");
    assert.equal(escapeParamValue("http://m.example/caf\u00e9.wav"), "http://m.example/caf%C3%A9.wav");
    assert.equal(escapeParamValue("http://[::1]:8080/~a_b-c.d!*'()+$"), "http://[::1]:8080/~a_b-c.d!*'()+$");
  });

  it("escapes % so a URL's own escapes reach the media server unchanged", () => {
    assert.equal(escapeParamValue("http://m.example/a%20b.wav"), "http://m.example/a%2520b.wav");
    assert.equal(decodeURIComponent(escapeParamValue("http://m.example/a%20b.wav")), "http://m.example/a%20b.wav");
  });

  it("round-trips any URL through unescaping", () => {
    for (const url of ["http://x.example/p?q=1;r=2", "file://fs/\u65e5\u672c.wav", "https://u:p@h.example/a b/\"c\""]) {
      assert.equal(decodeURIComponent(escapeParamValue(url)), url);
    }
  });
});

describe("announcementUri", { timeout: 300_000 }, () => {
  it("sip:annc@host:port + contact params + play + repeat=forever", () => {
    const uri = announcementUri(contact("sip:127.0.0.1:5090;transport=udp"), { play: "http://m.example/hold.wav", repeat: "forever" });
    assert.equal(uri, "sip:annc@127.0.0.1:5090;transport=udp;play=http://m.example/hold.wav;repeat=forever");
  });

  it("replaces the contact's user, keeps sips, IPv6 and every param; counts and other service users", () => {
    assert.equal(
      announcementUri(contact("<sips:ms@[2001:db8::5]:5061;transport=tls;lr>"), { play: "file://p/a.wav", repeat: 3 }, "music"),
      "sips:music@[2001:db8::5]:5061;transport=tls;lr;play=file://p/a.wav;repeat=3",
    );
    assert.equal(announcementUri(contact("sip:ms.example.net"), { play: "http://h/x?y=1", repeat: 1 }), "sip:annc@ms.example.net;play=http://h/x%3Fy%3D1;repeat=1");
  });

  it("parses as a SIP URI whose play parameter unescapes to the prompt URL", () => {
    const play = "http://m.example/play?file=a b.wav&x=%41";
    const text = announcementUri(contact("sip:127.0.0.1:5090;transport=tcp"), { play, repeat: "forever" });
    const uri = Grammar.URIParse(text);
    assert.ok(uri, "sip.js parses it");
    assert.equal(uri.user, "annc");
    assert.equal(uri.getParam("transport"), "tcp");
    assert.equal(decodeURIComponent(String(uri.getParam("play"))), play);
    assert.equal(uri.getParam("repeat"), "forever");
  });

  it("the DN's transport option is added only when the contact names none", () => {
    assert.equal(contactTransport(withTransport(contact("sip:10.0.0.1:5060"), "tcp")), "tcp");
    assert.equal(contactTransport(withTransport(contact("sip:10.0.0.1:5060;transport=udp"), "tcp")), "udp");
    assert.equal(withTransport(contact("sip:10.0.0.1"), undefined).params, "");
  });

  it("rejects what is no SIP URI", () => {
    for (const bad of ["http://ms.example", "sip:", "sip:host:99999", "ms1", "sip:a b@host", "sip:host?x=1"]) {
      assert.equal(parseContact(bad), undefined, bad);
    }
  });
});
