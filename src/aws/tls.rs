//! TLS over whatever connection ureq opened (directly, through a CONNECT proxy or SOCKS),
//! with one rustls configuration per process and our own [`Verifier`]: ureq's connector
//! would rebuild its root store from certificates on every agent, and cannot consult the
//! system's roots only when the bundled ones do not vouch for a server.

use crate::aws::roots::Verifier;
use rustls::pki_types::ServerName;
use rustls::{ClientConfig, ClientConnection, StreamOwned};
use std::io::{Read, Write};
use std::sync::Arc;
use ureq::unversioned::transport::{
    Buffers, ConnectionDetails, Connector, Either, LazyBuffers, NextTimeout, Transport,
    TransportAdapter,
};

/// Below ureq's default of 128 KiB each: every connection allocates and zeroes an input and
/// an output buffer (twice over TLS, the socket's and the stream's), which was most of an
/// HTTP miss's instructions. An AWS answer's headers are under 1 KiB and its body is read
/// through the buffer; a request's headers (a session token, a DPoP proof) are under 4 KiB.
pub(super) const INPUT_BUFFER: usize = 16 * 1024;
pub(super) const OUTPUT_BUFFER: usize = 8 * 1024;

/// The rustls configuration every HTTPS call of this process uses.
pub(super) fn client_config(verifier: Verifier) -> Arc<ClientConfig> {
    // The crypto provider of rustls' one built-in feature, ring.
    Arc::new(
        ClientConfig::builder()
            .dangerous() // a verifier of our own, not no verification
            .with_custom_certificate_verifier(Arc::new(verifier))
            .with_no_client_auth(),
    )
}

/// The last link of the connector chain: wraps the connection in TLS when the URL is HTTPS.
#[derive(Debug)]
pub(super) struct TlsConnector(pub(super) Option<Arc<ClientConfig>>);

impl<In: Transport> Connector<In> for TlsConnector {
    type Out = Either<In, TlsTransport>;

    fn connect(
        &self,
        details: &ConnectionDetails,
        chained: Option<In>,
    ) -> Result<Option<Self::Out>, ureq::Error> {
        let Some(transport) = chained else {
            return Ok(None);
        };
        if !details.needs_tls() || transport.is_tls() {
            return Ok(Some(Either::A(transport)));
        }
        let Some(config) = &self.0 else {
            return Err(ureq::Error::Tls("no TLS configuration for an HTTPS call"));
        };
        let host = details
            .uri
            .authority()
            .map(|a| a.host().trim_start_matches('[').trim_end_matches(']'))
            .ok_or(ureq::Error::Tls("no host to verify"))?;
        let name = ServerName::try_from(host)
            .map_err(|_| ureq::Error::Tls("not a name or address TLS can verify"))?
            .to_owned();
        let mut conn = ClientConnection::new(config.clone(), name)?;
        let mut sock = TransportAdapter::new(transport.boxed(), details.current_time.clone());
        sock.set_timeout(details.timeout);
        conn.complete_io(&mut sock)?;
        Ok(Some(Either::B(TlsTransport {
            buffers: LazyBuffers::new(
                details.config.input_buffer_size(),
                details.config.output_buffer_size(),
            ),
            stream: StreamOwned { conn, sock },
        })))
    }
}

pub(super) struct TlsTransport {
    buffers: LazyBuffers,
    stream: StreamOwned<ClientConnection, TransportAdapter>,
}

impl std::fmt::Debug for TlsTransport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TlsTransport").finish_non_exhaustive()
    }
}

impl Transport for TlsTransport {
    fn buffers(&mut self) -> &mut dyn Buffers {
        &mut self.buffers
    }

    fn transmit_output(&mut self, amount: usize, timeout: NextTimeout) -> Result<(), ureq::Error> {
        self.stream.get_mut().set_timeout(timeout);
        let output = &self.buffers.output()[..amount];
        self.stream.write_all(output)?;
        Ok(())
    }

    fn await_input(&mut self, timeout: NextTimeout) -> Result<bool, ureq::Error> {
        self.stream.get_mut().set_timeout(timeout);
        let input = self.buffers.input_append_buf();
        let amount = self.stream.read(input)?;
        self.buffers.input_appended(amount);
        Ok(amount > 0)
    }

    fn is_open(&mut self) -> bool {
        self.stream.get_mut().get_mut().is_open()
    }

    fn is_tls(&self) -> bool {
        true
    }
}
